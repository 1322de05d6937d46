package dev.portcullis.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.portcullis.engine.Direction;
import dev.portcullis.engine.PeerSpec;
import dev.portcullis.engine.RuleSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleSpecsTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static SecurityGroupSpec spec(String yaml) {
    return SERIALIZATION.unmarshal(yaml, SecurityGroupSpec.class);
  }

  @Test
  void mapsEachRuleWithItsPathAndDirection() {
    SecurityGroupSpec spec =
        spec(
            """
            region: eu-west-1
            vpcId: vpc-0a1b2c3d
            ingress:
              - ports: [https, "8000-8080"]
                from:
                  - cidr: 0.0.0.0/0
                  - securityGroup: web
                description: public
              - protocol: icmp
                icmp: {type: 8, code: 0}
                from:
                  - self: true
            egress:
              - protocol: udp
                ports: ["53"]
                to:
                  - prefixListId: pl-0123abcd
                  - securityGroupId: sg-0123abcd
            """);

    assertThat(RuleSpecs.toRuleSpecs(spec))
        .containsExactly(
            new RuleSpec(
                "spec.ingress[0]",
                Direction.INGRESS,
                null,
                List.of("https", "8000-8080"),
                null,
                null,
                List.of(PeerSpec.cidr("0.0.0.0/0"), PeerSpec.group("web")),
                "public"),
            new RuleSpec(
                "spec.ingress[1]",
                Direction.INGRESS,
                "icmp",
                List.of(),
                8,
                0,
                List.of(PeerSpec.selfRef()),
                null),
            new RuleSpec(
                "spec.egress[0]",
                Direction.EGRESS,
                "udp",
                List.of("53"),
                null,
                null,
                List.of(PeerSpec.prefixList("pl-0123abcd"), PeerSpec.groupId("sg-0123abcd")),
                null));
  }

  @Test
  void protocolIsPassedAsWrittenLeavingTheDefaultToTheApiServerAndEngine() {
    SecurityGroupSpec spec =
        spec(
            """
            ingress:
              - protocol: "-1"
                from: [{cidr: 10.0.0.0/8}]
              - protocol: "50"
                from: [{cidr: 10.0.0.0/8}]
            """);
    assertThat(RuleSpecs.toRuleSpecs(spec))
        .extracting(RuleSpec::protocol)
        .containsExactly("-1", "50");
  }

  @Test
  void leftOutEgressKeepsTheDefaultButAnEmptyListDoesNot() {
    SecurityGroupSpec absent = spec("region: eu-west-1\n");
    SecurityGroupSpec empty = spec("egress: []\n");
    SecurityGroupSpec explicitNull = spec("egress: null\n");

    assertThat(RuleSpecs.keepsDefaultEgress(absent)).isTrue();
    assertThat(RuleSpecs.keepsDefaultEgress(explicitNull)).isTrue();
    assertThat(RuleSpecs.keepsDefaultEgress(empty)).isFalse();
    assertThat(RuleSpecs.toRuleSpecs(absent)).isEmpty();
    assertThat(RuleSpecs.toRuleSpecs(empty)).isEmpty();
  }

  @Test
  void emptyListsSurviveARoundTripThroughJson() {
    SecurityGroupSpec spec = spec("egress: []\n");
    String json = SERIALIZATION.asJson(spec);
    assertThat(json).contains("\"egress\":[]");
    assertThat(RuleSpecs.keepsDefaultEgress(SERIALIZATION.unmarshal(json, SecurityGroupSpec.class)))
        .isFalse();
    assertThat(SERIALIZATION.asJson(spec("region: eu-west-1\n"))).doesNotContain("egress");
  }

  @Test
  void aNullPeerReachesTheEngineAsAnEmptyPeer() {
    IngressRule rule = new IngressRule();
    List<RulePeer> peers = new ArrayList<>();
    peers.add(null);
    rule.setFrom(peers);
    SecurityGroupSpec spec = new SecurityGroupSpec();
    spec.setIngress(List.of(rule));

    assertThat(RuleSpecs.toRuleSpecs(spec).get(0).peers())
        .containsExactly(new PeerSpec(null, null, null, null, null));
  }

  @Test
  void pathsNumberTheRulesOfEachListInOrder() {
    qt().forAll(integers().between(0, 60), integers().between(0, 60))
        .checkAssert(
            (ingressCount, egressCount) -> {
              SecurityGroupSpec spec = new SecurityGroupSpec();
              List<IngressRule> ingress = new ArrayList<>();
              for (int i = 0; i < ingressCount; i++) {
                IngressRule r = new IngressRule();
                r.setPorts(List.of(Integer.toString(i)));
                r.setFrom(List.of(RulePeer.cidr("10.0.0.0/8")));
                ingress.add(r);
              }
              List<EgressRule> egress = new ArrayList<>();
              for (int i = 0; i < egressCount; i++) {
                EgressRule r = new EgressRule();
                r.setPorts(List.of(Integer.toString(i)));
                r.setTo(List.of(RulePeer.selfGroup()));
                egress.add(r);
              }
              spec.setIngress(ingress);
              spec.setEgress(egress);

              List<RuleSpec> out = RuleSpecs.toRuleSpecs(spec);
              assertThat(out).hasSize(ingressCount + egressCount);
              for (int i = 0; i < out.size(); i++) {
                RuleSpec r = out.get(i);
                boolean in = i < ingressCount;
                int index = in ? i : i - ingressCount;
                assertThat(r.path())
                    .isEqualTo((in ? "spec.ingress[" : "spec.egress[") + index + "]");
                assertThat(r.direction()).isEqualTo(in ? Direction.INGRESS : Direction.EGRESS);
                assertThat(r.ports()).containsExactly(Integer.toString(index));
              }
            });
  }
}
