package dev.portcullis.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.portcullis.engine.Direction;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/**
 * A packet's leg decided at one interface agrees with the evaluator's decision of the whole flow:
 * for a flow between two instances of one VPC, the source's interface lets it out exactly when the
 * evaluator finds an egress rule, and, once out, the destination's interface lets it in exactly
 * when the evaluator finds an ingress rule. Only addresses held by one interface of their VPC are
 * asked about, as EC2 hands out each private address of a VPC once.
 */
class InterfaceLegsAgreementTest {

  @Test
  void legsAgreeWithTheEvaluatorOnRandomEstates() {
    int[] compared = new int[3];
    qt().withExamples(40)
        .forAll(SourceDSL.longs().all())
        .checkAssert(
            seed -> {
              Estate estate = EstateGenerator.adversarial(seed, 30, 120);
              NaiveEvaluator naive = Evaluators.naive(estate);
              InterfaceLegs legs = new InterfaceLegs(estate);
              Map<String, InstanceState> byId = new HashMap<>();
              Map<String, Integer> holders = new HashMap<>();
              for (InstanceState i : estate.instances()) {
                byId.put(i.instanceId(), i);
                for (NetworkInterface n : i.interfaces()) {
                  holders.merge(network(i) + n.privateIp(), 1, Integer::sum);
                }
              }
              for (Flow f : EstateGenerator.adversarialFlows(estate, ~seed, 3000)) {
                if (!(f.source() instanceof Source.Instance si)
                    || f.destinationInstanceId() == null) {
                  continue;
                }
                InstanceState src = byId.get(si.instanceId());
                InstanceState dst = byId.get(f.destinationInstanceId());
                if (src == null
                    || dst == null
                    || !network(src).equals(network(dst))
                    || holders.get(network(src) + src.primary().privateIp()) != 1
                    || holders.get(network(dst) + dst.primary().privateIp()) != 1) {
                  continue;
                }
                Decision d = naive.decide(f);
                InterfaceLegs.Outcome out =
                    legs.decide4(
                        legs.find(src.primary().interfaceId()),
                        Direction.EGRESS,
                        f.protocol().number(),
                        f.port(),
                        dst.primary().privateIp());
                assertThat(out == InterfaceLegs.Outcome.ALLOWED)
                    .as("egress of %s, seed %x: %s", f, seed, d.explanation())
                    .isEqualTo(d.reason() != Reason.NO_EGRESS_RULE);
                if (d.reason() == Reason.NO_EGRESS_RULE) {
                  compared[0]++;
                  continue;
                }
                InterfaceLegs.Outcome in =
                    legs.decide4(
                        legs.find(dst.primary().interfaceId()),
                        Direction.INGRESS,
                        f.protocol().number(),
                        f.port(),
                        src.primary().privateIp());
                assertThat(in == InterfaceLegs.Outcome.ALLOWED)
                    .as("ingress of %s, seed %x: %s", f, seed, d.explanation())
                    .isEqualTo(d.reason() != Reason.NO_INGRESS_RULE);
                compared[d.reason() == Reason.NO_INGRESS_RULE ? 1 : 2]++;
              }
            });
    assertThat(Arrays.stream(compared).min().getAsInt())
        .as("fewest of: flows denied leaving, denied arriving, allowed")
        .isGreaterThan(100);
  }

  @Test
  void aLegTheStateCannotDecideIsNeverDenied() {
    qt().withExamples(40)
        .forAll(SourceDSL.longs().all())
        .checkAssert(
            seed -> {
              Estate estate = EstateGenerator.adversarial(seed, 30, 120);
              InterfaceLegs legs = new InterfaceLegs(estate);
              for (InstanceState i : estate.instances()) {
                InterfaceLegs.Interface nic = legs.find(i.primary().interfaceId());
                if (i.primary().groupIds().contains("sg-ghost")) {
                  assertThat(
                          legs.decide4(
                              nic, Direction.INGRESS, 6, 1, EstateGenerator.ip(1, 2, 3, 4)))
                      .as("an interface carrying a group the state lacks, seed %x", seed)
                      .isNotEqualTo(InterfaceLegs.Outcome.DENIED);
                }
              }
            });
  }

  private static String network(InstanceState i) {
    return i.region() + "/" + i.vpcId() + "/";
  }

  @Test
  void everyInterfaceOfTheEstateIsFound() {
    Estate estate = EstateGenerator.adversarial(7, 30, 120);
    InterfaceLegs legs = new InterfaceLegs(estate);
    List<String> ids =
        estate.instances().stream()
            .flatMap(i -> i.interfaces().stream())
            .map(NetworkInterface::interfaceId)
            .toList();
    assertThat(ids).allSatisfy(id -> assertThat(legs.find(id).interfaceId()).isEqualTo(id));
    assertThat(legs.find("eni-none")).isNull();
  }
}
