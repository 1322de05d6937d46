package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.Source;
import dev.portcullis.engine.eval.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The AWS backend's reachability evaluation, read through the port from the simulator (as it is
 * read from EC2): describes are reused until they expire or the operator changes the region.
 */
class AwsBackendTest {
  private static final String EU = "eu-west-1";
  private static final String DB = "i-0a000003";

  @Test
  void describesAreReusedUntilTheyExpireOrTheOperatorChangesTheRegion() {
    Ec2Simulator sim = DemoWorld.unthrottled();
    AtomicLong now = new AtomicLong();
    CloudBackend backend =
        CloudBackend.aws(sim, sim.calls(), Quotas.DEFAULT, Duration.ofSeconds(10), now::get);
    CloudPort port = backend.port();
    Source bastion = new Source.Address4(Ip.parse4("10.0.1.10").orElseThrow());
    Flow psql = new Flow(bastion, DB, Protocol.TCP, 5432);
    Flow ssh = new Flow(bastion, DB, Protocol.TCP, 22);
    assertThat(backend.evaluatorForRegion().apply(EU).verdict(psql)).isEqualTo(Verdict.TIMED_OUT);

    // The operator's own changes are seen at once, cache or not.
    String group = port.createSecurityGroup(EU, "vpc-0a000001", "db", "db", Map.of()).groupId();
    port.authorize(EU, group, Direction.INGRESS, List.of(ingress(5432)));
    String eni =
        sim.describeAllInstances(EU, new InstanceFilter(List.of(DB), Map.of()))
            .get(0)
            .interfaces()
            .get(0)
            .interfaceId();
    List<String> groups =
        new ArrayList<>(
            sim.describeAllInstances(EU, new InstanceFilter(List.of(DB), Map.of()))
                .get(0)
                .interfaces()
                .get(0)
                .groupIds());
    groups.add(group);
    port.setInterfaceGroups(EU, eni, groups);
    assertThat(backend.evaluatorForRegion().apply(EU).verdict(psql)).isEqualTo(Verdict.REACHABLE);

    // A change made behind the operator's back waits for the describes to expire; db listens on
    // 5432 only, but with no listeners known an allowed flow is Reachable, never refused.
    sim.authorize(EU, group, Direction.INGRESS, List.of(ingress(22)));
    assertThat(backend.evaluatorForRegion().apply(EU).verdict(ssh)).isEqualTo(Verdict.TIMED_OUT);
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(backend.evaluatorForRegion().apply(EU).verdict(ssh)).isEqualTo(Verdict.REACHABLE);
    assertThat(backend.name()).isEqualTo("aws");
  }

  private static Rule ingress(int port) {
    return new Rule(
        Direction.INGRESS, Protocol.TCP, port, port, Ip.parseCidr("10.0.1.10/32").cidr(), "");
  }
}
