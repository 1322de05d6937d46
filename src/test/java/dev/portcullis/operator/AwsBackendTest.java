package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.PortCalls;
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
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The AWS backend's reachability evaluation, read through the port from the simulator (as it is
 * read from EC2): describes are reused until they expire or the operator changes the region.
 */
class AwsBackendTest {
  private static final String EU = "eu-west-1";
  private static final String DB = "i-0a000003";
  private static final Source BASTION = new Source.Address4(Ip.parse4("10.0.1.10").orElseThrow());
  private static final Flow PSQL = new Flow(BASTION, DB, Protocol.TCP, 5432);

  @Test
  void describesAreReusedUntilTheyExpireOrTheOperatorChangesTheRegion() {
    Ec2Simulator sim = DemoWorld.unthrottled();
    AtomicLong now = new AtomicLong();
    CloudBackend backend =
        CloudBackend.aws(sim, sim.calls(), Quotas.DEFAULT, Duration.ofSeconds(10), now::get);
    CloudPort port = backend.port();
    Flow ssh = new Flow(BASTION, DB, Protocol.TCP, 22);
    assertThat(backend.evaluatorForRegion().apply(EU).verdict(PSQL)).isEqualTo(Verdict.TIMED_OUT);

    // The operator's own changes are seen at once, cache or not.
    String group = port.createSecurityGroup(EU, "vpc-0a000001", "db", "db", Map.of()).groupId();
    port.authorize(EU, group, Direction.INGRESS, List.of(ingress(5432)));
    attach(sim, port, group);
    assertThat(backend.evaluatorForRegion().apply(EU).verdict(PSQL)).isEqualTo(Verdict.REACHABLE);

    // A change made behind the operator's back waits for the describes to expire; db listens on
    // 5432 only, but with no listeners known an allowed flow is Reachable, never refused.
    sim.authorize(EU, group, Direction.INGRESS, List.of(ingress(22)));
    assertThat(backend.evaluatorForRegion().apply(EU).verdict(ssh)).isEqualTo(Verdict.TIMED_OUT);
    now.addAndGet(Duration.ofSeconds(11).toNanos());
    assertThat(backend.evaluatorForRegion().apply(EU).verdict(ssh)).isEqualTo(Verdict.REACHABLE);
    assertThat(backend.name()).isEqualTo("aws");
  }

  @Test
  void aRuleDescriptionTheOperatorUpdatesIsExplainedAtOnce() {
    Ec2Simulator sim = DemoWorld.unthrottled();
    CloudBackend backend =
        CloudBackend.aws(sim, sim.calls(), Quotas.DEFAULT, Duration.ofSeconds(10), () -> 0);
    CloudPort port = backend.port();
    String group = port.createSecurityGroup(EU, "vpc-0a000001", "db", "db", Map.of()).groupId();
    port.authorize(EU, group, Direction.INGRESS, List.of(ingress(5432, "old")));
    attach(sim, port, group);
    assertThat(backend.evaluatorForRegion().apply(EU).decide(PSQL).ingress().rule().description())
        .isEqualTo("old");

    port.updateRuleDescriptions(EU, group, Direction.INGRESS, List.of(ingress(5432, "new")));

    assertThat(backend.evaluatorForRegion().apply(EU).decide(PSQL).ingress().rule().description())
        .as("the deciding rule as a check explains it, right after the operator renamed it")
        .isEqualTo("new");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.portcullis.cloud.PortCalls#methods")
  void everyCallButTheDescribesForgetsTheRegion(Method call) {
    List<String> forgotten = new ArrayList<>();
    CloudPort port =
        new CloudBackend.ForgetOnWrite(PortCalls.recording(new ArrayList<>()), forgotten::add);
    List<Object> arguments = PortCalls.arguments(call);

    PortCalls.call(call, port, arguments);

    assertThat(forgotten)
        .as("the regions %s forgets", call)
        .isEqualTo(call.getName().startsWith("describe") ? List.of() : List.of(arguments.get(0)));
  }

  /** Adds {@code group} to the groups of db's primary interface, through {@code port}. */
  private static void attach(Ec2Simulator sim, CloudPort port, String group) {
    var eni =
        sim.describeAllInstances(EU, new InstanceFilter(List.of(DB), Map.of()))
            .get(0)
            .interfaces()
            .get(0);
    List<String> groups = new ArrayList<>(eni.groupIds());
    groups.add(group);
    port.setInterfaceGroups(EU, eni.interfaceId(), groups);
  }

  private static Rule ingress(int port) {
    return ingress(port, "");
  }

  private static Rule ingress(int port, String description) {
    return new Rule(
        Direction.INGRESS,
        Protocol.TCP,
        port,
        port,
        Ip.parseCidr("10.0.1.10/32").cidr(),
        description);
  }
}
