package dev.portcullis.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.FlowEvaluator;
import dev.portcullis.engine.eval.GroupState;
import dev.portcullis.engine.eval.InstanceState;
import dev.portcullis.engine.eval.Source;
import dev.portcullis.engine.eval.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reachability on what EC2 describes: no listeners are known, so allowed means Reachable. */
class AwsEstateTest {
  private static final String REGION = "eu-west-1";

  private static InstanceState db() {
    return AwsEstate.instance(
        REGION,
        new InstanceInfo(
            "i-db",
            "vpc-1",
            Map.of("role", "db"),
            List.of(
                new InstanceInfo.InterfaceInfo(
                    "eni-2", 1, "10.0.1.31", null, null, List.of("sg-other")),
                new InstanceInfo.InterfaceInfo(
                    "eni-1", 0, "10.0.1.30", "203.0.113.30", "2001:db8::30", List.of("sg-db")))));
  }

  @Test
  void instancesKeepTheirPrimaryInterfaceFirstAndTheirAddresses() {
    InstanceState s = db();
    assertThat(s.primary().interfaceId()).isEqualTo("eni-1");
    assertThat(s.primary().privateIp()).isEqualTo(Ip.parse4("10.0.1.30").orElseThrow());
    assertThat(s.primary().publicIp()).isEqualTo(Ip.parse4("203.0.113.30").orElseThrow());
    assertThat(s.primary().ipv6()).isNotNull();
    assertThat(s.listeners()).isEmpty();
    assertThat(AwsEstate.instance(REGION, new InstanceInfo("i-gone", "vpc-1", Map.of(), List.of())))
        .isNull();
  }

  @Test
  void anAllowedFlowIsReachableAndSaysWhatIsNotKnownABlockedOneTimesOut() {
    Rule psql =
        new Rule(
            Direction.INGRESS, Protocol.TCP, 5432, 5432, Ip.parseCidr("10.0.0.0/16").cidr(), "");
    FlowEvaluator ev =
        AwsEstate.evaluator(
            new Estate(
                List.of(
                    new GroupState(
                        "sg-db", "db", REGION, "vpc-1", List.of(psql, Rule.DEFAULT_EGRESS))),
                List.of(db())));
    Source from = new Source.Address4(Ip.parse4("10.0.1.10").orElseThrow());

    Decision allowed = ev.decide(new Flow(from, "i-db", Protocol.TCP, 5432));
    assertThat(allowed.verdict()).isEqualTo(Verdict.REACHABLE);
    assertThat(allowed.ingress().groupId()).isEqualTo("sg-db");
    assertThat(allowed.explanation())
        .startsWith("the security groups allow")
        .contains("whether something answers is not known")
        .doesNotContain("nothing listens");
    assertThat(ev.verdict(new Flow(from, "i-db", Protocol.TCP, 5432))).isEqualTo(Verdict.REACHABLE);

    Decision blocked = ev.decide(new Flow(from, "i-db", Protocol.TCP, 22));
    assertThat(blocked.verdict()).isEqualTo(Verdict.TIMED_OUT);
    assertThat(ev.verdict(new Flow(from, "i-db", Protocol.TCP, 22))).isEqualTo(Verdict.TIMED_OUT);
  }
}
