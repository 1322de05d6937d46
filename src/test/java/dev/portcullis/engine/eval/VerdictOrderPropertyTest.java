package dev.portcullis.engine.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import dev.portcullis.engine.Rule;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/**
 * The order of a group's rules, and of the groups on an interface, never changes a verdict: rules
 * only allow, and an interface's groups are a union.
 */
class VerdictOrderPropertyTest {

  private static Estate shuffled(Estate e, long seed) {
    Random rnd = new Random(seed);
    List<GroupState> groups = new ArrayList<>();
    for (GroupState g : e.groups()) {
      List<Rule> rules = new ArrayList<>(g.rules());
      Collections.shuffle(rules, rnd);
      groups.add(new GroupState(g.groupId(), g.groupName(), g.region(), g.vpcId(), rules));
    }
    Collections.shuffle(groups, rnd);
    List<InstanceState> instances = new ArrayList<>();
    for (InstanceState i : e.instances()) {
      List<NetworkInterface> nics = new ArrayList<>();
      for (NetworkInterface n : i.interfaces()) {
        List<String> ids = new ArrayList<>(n.groupIds());
        Collections.shuffle(ids, rnd);
        nics.add(new NetworkInterface(n.interfaceId(), n.privateIp(), n.publicIp(), n.ipv6(), ids));
      }
      instances.add(
          new InstanceState(i.instanceId(), i.region(), i.vpcId(), nics, i.listeners(), i.tags()));
    }
    Collections.shuffle(instances, rnd);
    return new Estate(groups, instances);
  }

  private static void check(Function<Estate, FlowEvaluator> factory) {
    qt().withExamples(60)
        .forAll(SourceDSL.longs().all())
        .checkAssert(
            seed -> {
              Estate estate = EstateGenerator.adversarial(seed, 12, 24);
              FlowEvaluator before = factory.apply(estate);
              FlowEvaluator after = factory.apply(shuffled(estate, seed ^ 0x5DEECE66DL));
              for (Flow f : EstateGenerator.adversarialFlows(estate, seed, 400)) {
                Decision a = before.decide(f);
                Decision b = after.decide(f);
                assertThat(b.verdict()).as("%s", f).isEqualTo(a.verdict());
                assertThat(b.reason()).as("%s", f).isEqualTo(a.reason());
              }
            });
  }

  @Test
  void ruleAndGroupOrderNeverChangeANaiveVerdict() {
    check(Evaluators::naive);
  }

  @Test
  void ruleAndGroupOrderNeverChangeAnIndexedVerdict() {
    check(Evaluators::indexed);
  }
}
