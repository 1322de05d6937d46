package dev.portcullis.operator;

import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.RuleCounts;
import dev.portcullis.engine.eval.FlowEvaluator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What the reconcilers need of a cloud: the port they change it through, the account's quotas, the
 * sizes of its prefix lists (they count against the rule quota), and an evaluator of the observed
 * state of a region for reachability checks.
 */
public record CloudBackend(
    String name,
    CloudPort port,
    Quotas quotas,
    Map<String, RuleCounts.PrefixListSize> prefixLists,
    Function<String, FlowEvaluator> evaluatorForRegion) {
  public CloudBackend {
    prefixLists = Map.copyOf(prefixLists);
  }

  /** The same cloud, reached through {@code other} (a wrapper of this one's port). */
  public CloudBackend withPort(CloudPort other) {
    return new CloudBackend(name, other, quotas, prefixLists, evaluatorForRegion);
  }

  /** The built-in simulator: its quotas, its world's prefix lists, its evaluator. */
  public static CloudBackend simulator(Ec2Simulator sim) {
    Map<String, RuleCounts.PrefixListSize> sizes = new HashMap<>();
    sim.world().regions().values().stream()
        .flatMap(r -> r.prefixLists().stream())
        .forEach(pl -> sizes.put(pl.id(), pl.size()));
    return new CloudBackend("simulator", sim, sim.quotas(), sizes, region -> sim.evaluator());
  }
}
