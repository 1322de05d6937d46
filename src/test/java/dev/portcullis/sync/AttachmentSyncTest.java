package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.AttachedInstance;
import dev.portcullis.api.v1alpha1.InstanceSelector;
import dev.portcullis.api.v1alpha1.InstanceTargets;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class AttachmentSyncTest {
  static final String EU = "eu-west-1";
  static final String VPC = "vpc-0a000001";

  final Ec2Simulator sim = DemoWorld.unthrottled();
  final AttachmentSync sync =
      new AttachmentSync(sim, new Retry(3, 1, 1, ms -> {}, 1), sim.quotas());

  static InstanceTargets ids(String... ids) {
    InstanceTargets t = new InstanceTargets();
    t.setIds(List.of(ids));
    return t;
  }

  SecurityGroupInfo group(String name, String vpc) {
    return sim.createSecurityGroup(EU, vpc, name, "d", Map.of());
  }

  List<String> groupsOf(String instanceId) {
    InstanceInfo i =
        sim.describeAllInstances(EU, new InstanceFilter(List.of(instanceId), null)).get(0);
    return i.interfaces().get(0).groupIds();
  }

  long modifies() {
    return sim.calls().total(Ec2Action.MODIFY_NETWORK_INTERFACE_ATTRIBUTE);
  }

  @Test
  void anIdThatDoesNotExistIsNamedAndTheOthersAreStillSelected() {
    AttachmentSync.Selection s = sync.select(EU, ids("i-0a000001", "i-0fffffff", "i-0a000003"));
    assertThat(s.instances()).containsOnlyKeys("i-0a000001", "i-0a000003");
    assertThat(s.missingIds()).containsExactly("i-0fffffff");
    assertThat(s.missingMessage(EU)).isEqualTo("there is no instance i-0fffffff in eu-west-1");
  }

  @Test
  void idsAndTagsTogetherSelectEachInstanceOnce() {
    InstanceTargets t = ids("i-0a000002");
    t.setSelector(new InstanceSelector(Map.of("role", "web")));
    AttachmentSync.Selection s = sync.select(EU, t);
    assertThat(s.instances()).containsOnlyKeys("i-0a000002");
    assertThat(s.missingIds()).isEmpty();
    assertThat(s.missingMessage(EU)).isNull();
  }

  @Test
  void attachesTakesTheDefaultOffAndCallsEc2OnlyWhenSomethingChanges() {
    SecurityGroupInfo web = group("web", VPC);
    String defaultGroup = sync.defaultGroups(EU, VPC).get(0);
    assertThat(groupsOf("i-0a000002")).contains(defaultGroup);
    AttachmentSync.Wanted wanted =
        new AttachmentSync.Wanted(List.of(web.groupId()), Map.of(web.groupId(), VPC));
    var instances = sync.select(EU, ids("i-0a000002")).instances().values();

    AttachmentSync.Outcome first = sync.attach(EU, instances, wanted, Set.of(), false);
    assertThat(first.refusals()).isEmpty();
    assertThat(first.changed()).isTrue();
    assertThat(groupsOf("i-0a000002")).contains(web.groupId()).doesNotContain(defaultGroup);
    assertThat(first.attached())
        .extracting(AttachedInstance::getInterfaceId)
        .containsExactly("eni-0a000002");

    long before = modifies();
    var again = sync.select(EU, ids("i-0a000002")).instances().values();
    AttachmentSync.Outcome second = sync.attach(EU, again, wanted, Set.of(web.groupId()), false);
    assertThat(second.changed()).isFalse();
    assertThat(second.attached()).isEqualTo(first.attached());
    assertThat(modifies()).isEqualTo(before);
  }

  @Test
  void aGroupOfAnotherVpcIsRefusedForThatInstanceOnly() {
    SecurityGroupInfo web = group("web", VPC);
    AttachmentSync.Wanted wanted =
        new AttachmentSync.Wanted(List.of(web.groupId()), Map.of(web.groupId(), VPC));
    var instances = sync.select(EU, ids("i-0a000001", "i-0b000001")).instances().values();
    AttachmentSync.Outcome o = sync.attach(EU, instances, wanted, Set.of(), true);
    assertThat(o.attached())
        .extracting(AttachedInstance::getInstanceId)
        .containsExactly("i-0a000001");
    assertThat(o.refusals())
        .singleElement(InstanceOfAssertFactories.STRING)
        .startsWith("i-0b000001 is in vpc-0b000002")
        .contains("its own VPC");
  }

  @Test
  void detachingTheLastGroupPutsTheDefaultGroupBack() {
    SecurityGroupInfo web = group("web", VPC);
    String defaultGroup = sync.defaultGroups(EU, VPC).get(0);
    AttachmentSync.Wanted wanted =
        new AttachmentSync.Wanted(List.of(web.groupId()), Map.of(web.groupId(), VPC));
    var instances = sync.select(EU, ids("i-0a000003")).instances().values();
    AttachmentSync.Outcome o = sync.attach(EU, instances, wanted, Set.of(), false);
    assertThat(groupsOf("i-0a000003")).containsExactly(web.groupId());

    List<String> refusals = new ArrayList<>();
    boolean changed = sync.detach(EU, o.attached().get(0), Set.of(web.groupId()), refusals);
    assertThat(changed).isTrue();
    assertThat(refusals).isEmpty();
    assertThat(groupsOf("i-0a000003")).containsExactly(defaultGroup);
    // nothing of ours is left: a second detach changes nothing
    assertThat(sync.detach(EU, o.attached().get(0), Set.of(web.groupId()), refusals)).isFalse();
  }

  @Test
  void detachingFromAnInstanceThatIsGoneNeedsNothing() {
    List<String> refusals = new ArrayList<>();
    AttachedInstance gone = new AttachedInstance("i-0fffffff", "eni-0fffffff", List.of("sg-1"));
    assertThat(sync.detach(EU, gone, Set.of("sg-1"), refusals)).isFalse();
    assertThat(refusals).isEmpty();
  }
}
