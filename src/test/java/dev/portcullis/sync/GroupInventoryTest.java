package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.ObservedRule;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GroupInventoryTest {
  static final String EU = "eu-west-1";
  static final String VPC = "vpc-0a000001";

  final Ec2Simulator sim = DemoWorld.unthrottled();
  final AtomicLong nanos = new AtomicLong();
  final Retry retry = new Retry(3, 1, 1, ms -> {}, 1);
  final GroupInventory inventory =
      new GroupInventory(sim, retry, Duration.ofSeconds(60), nanos::get);

  SecurityGroupInfo create(String name, String uid) {
    return sim.createSecurityGroup(EU, VPC, name, "d", new OwnerTags("ns", name, uid).asTags());
  }

  @Test
  void findsEveryManagedGroupWithOnePagedDescribePerThousand() {
    for (int i = 0; i < 2_500; i++) {
      create("g" + i, "uid-" + i);
    }
    sim.createSecurityGroup(EU, VPC, "unmanaged", "d", Map.of());
    long before = sim.calls().total(Ec2Action.DESCRIBE_SECURITY_GROUPS);

    for (int i = 0; i < 2_500; i++) {
      assertThat(inventory.ownedBy(EU, "uid-" + i)).isPresent();
    }
    assertThat(inventory.ownedBy(EU, "uid-none")).isEmpty();

    assertThat(sim.calls().total(Ec2Action.DESCRIBE_SECURITY_GROUPS) - before).isEqualTo(3);
    assertThat(inventory.describeCalls()).isEqualTo(3);
  }

  @Test
  void readsAgainOnlyWhenTheSnapshotIsOlderThanMaxAge() {
    create("a", "uid-a");
    inventory.ownedBy(EU, "uid-a");
    create("b", "uid-b"); // made by someone else since the read
    nanos.addAndGet(Duration.ofSeconds(59).toNanos());
    assertThat(inventory.ownedBy(EU, "uid-b")).isEmpty();
    nanos.addAndGet(Duration.ofSeconds(2).toNanos());
    assertThat(inventory.ownedBy(EU, "uid-b")).isPresent();
    assertThat(inventory.describeCalls()).isEqualTo(2);
  }

  @Test
  void aReadNeverUndoesAWriteRecordedAfterItBegan() {
    SecurityGroupInfo a = create("a", "uid-a");
    inventory.ownedBy(EU, "uid-a");
    Rule ssh = new Rule(Direction.INGRESS, Protocol.TCP, 22, 22, new Cidr4(0x0a000000, 8), "");
    sim.authorize(EU, a.groupId(), Direction.INGRESS, List.of(ssh));
    SecurityGroupInfo written =
        new SecurityGroupInfo(
            a.groupId(),
            a.groupName(),
            a.description(),
            a.vpcId(),
            a.tags(),
            List.of(new ObservedRule(null, ssh)));
    // The write is recorded at the same instant the next read starts: the read keeps it.
    nanos.addAndGet(Duration.ofSeconds(61).toNanos());
    inventory.put(EU, written);
    assertThat(inventory.ownedBy(EU, "uid-a").orElseThrow().rules())
        .extracting(ObservedRule::rule)
        .contains(ssh);
  }

  @Test
  void describesAGroupItDoesNotManageByIdOnceAndRemembersIt() {
    SecurityGroupInfo other = sim.createSecurityGroup(EU, VPC, "theirs", "d", Map.of());
    assertThat(inventory.byId(EU, other.groupId())).isPresent();
    long calls = inventory.describeCalls();
    assertThat(inventory.byId(EU, other.groupId())).isPresent();
    assertThat(inventory.describeCalls()).isEqualTo(calls);
    assertThat(inventory.byId(EU, "sg-0123456789abcdef0")).isEmpty();
  }

  @Test
  void forgetsDeletedGroups() {
    SecurityGroupInfo a = create("a", "uid-a");
    assertThat(inventory.ownedBy(EU, "uid-a")).isPresent();
    sim.deleteSecurityGroup(EU, a.groupId());
    inventory.remove(EU, a.groupId());
    assertThat(inventory.ownedBy(EU, "uid-a")).isEmpty();
  }

  @Test
  void theOwnersTagsShareTheStringsTheOperatorsCacheHolds() {
    create("web", new String("uid-web"));
    SecurityGroupInfo kept = inventory.ownedBy(EU, "uid-web").orElseThrow();
    // the cached SecurityGroup's metadata holds the interned name and uid
    assertThat(kept.tags().get(OwnerTags.UID)).isSameAs("uid-web".intern());
    assertThat(kept.tags().get(OwnerTags.NAME)).isSameAs("web".intern());
  }
}
