package dev.portcullis.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The indexed evaluator decides exactly as the reference scan does, explanation and reported rules
 * included, on random estates built to hit the index's edges.
 */
class IndexedEvaluatorAgreementTest {
  private static final int ESTATES = 6;
  private static final int FLOWS_PER_ESTATE = 40_000;

  @Test
  void agreesWithTheReferenceScanOnRandomEstates() {
    Map<Reason, Integer> reasons = new EnumMap<>(Reason.class);
    int compared = 0;
    int longAxes = 0;
    int manyGroups = 0;
    for (int e = 0; e < ESTATES; e++) {
      long seed = 0x5eed_0000L + e;
      Estate estate = EstateGenerator.adversarial(seed, 40 + 20 * e, 150 + 50 * e);
      NaiveEvaluator naive = Evaluators.naive(estate);
      IndexedEvaluator indexed = Evaluators.indexed(estate);
      List<Flow> flows = EstateGenerator.adversarialFlows(estate, ~seed, FLOWS_PER_ESTATE);
      longAxes += indexed.index().longAxes();
      for (InstanceState i : estate.instances()) {
        manyGroups +=
            i.primary().groupIds().stream().distinct().count() > RuleIndex.MEMBER_SLOTS ? 1 : 0;
      }
      for (Flow flow : flows) {
        Decision expected = naive.decide(flow);
        Decision actual = indexed.decide(flow);
        if (!expected.equals(actual)) {
          assertThat(actual).as("estate seed %x, flow %s", seed, flow).isEqualTo(expected);
        }
        Verdict verdict = expected.verdict();
        if (naive.verdict(flow) != verdict || indexed.verdict(flow) != verdict) {
          assertThat(List.of(naive.verdict(flow), indexed.verdict(flow)))
              .as("verdict alone, estate seed %x, flow %s", seed, flow)
              .containsOnly(verdict);
        }
        Verdict fast = fastPath(indexed, flow);
        if (fast != null && fast != verdict) {
          assertThat(fast)
              .as("int handles, estate seed %x, flow %s", seed, flow)
              .isEqualTo(verdict);
        }
        reasons.merge(expected.reason(), 1, Integer::sum);
        compared++;
      }
    }
    assertThat(longAxes).as("rows whose axis has more than 64 bounds").isGreaterThan(10);
    assertThat(manyGroups)
        .as("instances with more groups than the member slots compared without a loop")
        .isGreaterThan(50);
    assertThat(compared).isGreaterThanOrEqualTo(200_000);
    // The sample is worth something only if it reaches every outcome often.
    for (Reason r : Reason.values()) {
      assertThat(reasons.getOrDefault(r, 0)).as("flows decided %s", r).isGreaterThan(200);
    }
  }

  /**
   * Rules and ports outside 0-65535 (which no EC2 rule or real port has) are still decided as the
   * reference decides them, up to 2^23 - 1 either way: the index compares ports within a bounded
   * range, and a rule that reaches past it must cover what it covers inside it.
   */
  @Test
  void agreesOnRangesThatReachPastThePorts() {
    int far = (1 << 23) - 1;
    List<Rule> rules =
        List.of(
            new Rule(Direction.INGRESS, Protocol.TCP, 0, far + 6, Cidr4.ANY, ""),
            new Rule(Direction.INGRESS, Protocol.UDP, far - 3, far - 2, Cidr4.ANY, ""),
            new Rule(Direction.INGRESS, Protocol.UDP, -far - 9, -far + 1, Cidr4.ANY, ""),
            new Rule(Direction.INGRESS, Protocol.UDP, far + 1, far + 9, Cidr4.ANY, ""),
            Rule.DEFAULT_EGRESS);
    Estate estate =
        new Estate(
            List.of(new GroupState("sg-far", "far", "r", "vpc", rules)),
            List.of(
                new InstanceState(
                    "i-far",
                    "r",
                    "vpc",
                    List.of(
                        new NetworkInterface("eni-far", 0x0a000001, null, null, List.of("sg-far"))),
                    Set.of(new Listener(Protocol.TCP, far)),
                    Map.of())));
    NaiveEvaluator naive = Evaluators.naive(estate);
    IndexedEvaluator indexed = Evaluators.indexed(estate);
    int compared = 0;
    for (Protocol protocol : List.of(Protocol.TCP, Protocol.UDP)) {
      for (int port :
          new int[] {
            -far, -far - 1, -far + 1, -far + 2, -1, 0, 65535, 65536, far - 4, far - 3, far - 2,
            far - 1, far
          }) {
        Flow flow = new Flow(new Source.Address4(0x0a000002), "i-far", protocol, port);
        assertThat(indexed.decide(flow)).as("%s", flow).isEqualTo(naive.decide(flow));
        assertThat(fastPath(indexed, flow)).as("%s", flow).isEqualTo(naive.verdict(flow));
        compared++;
      }
    }
    assertThat(compared).isEqualTo(26);
    // The sample reaches both outcomes of the far rules.
    assertThat(naive.verdict(new Flow(new Source.Address4(0x0a000002), "i-far", Protocol.TCP, far)))
        .isEqualTo(Verdict.REACHABLE);
    assertThat(
            naive.verdict(
                new Flow(new Source.Address4(0x0a000002), "i-far", Protocol.UDP, far - 1)))
        .isEqualTo(Verdict.TIMED_OUT);
  }

  /** The int-handle verdict, for the sources and destinations it takes; null for the others. */
  private static Verdict fastPath(IndexedEvaluator indexed, Flow flow) {
    if (flow.destinationInstanceId() == null) {
      return null; // an address: the reference evaluator decides it
    }
    int dst = indexed.instanceIndex(flow.destinationInstanceId());
    if (dst < 0) {
      return null;
    }
    int protocol = flow.protocol().number();
    if (flow.source() instanceof Source.Instance si) {
      int src = indexed.instanceIndex(si.instanceId());
      return src < 0 ? null : indexed.verdict(src, dst, protocol, flow.port());
    }
    if (flow.source() instanceof Source.Address4 a) {
      return indexed.verdictFromAddress(a.address(), dst, protocol, flow.port());
    }
    return null;
  }
}
