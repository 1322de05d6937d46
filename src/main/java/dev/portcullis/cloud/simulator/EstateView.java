package dev.portcullis.cloud.simulator;

import dev.portcullis.engine.eval.Estate;
import dev.portcullis.engine.eval.FlowEvaluator;
import dev.portcullis.engine.eval.GroupState;
import dev.portcullis.engine.eval.InstanceState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The simulator's regions as the evaluator sees them ({@link Estate}), and an evaluator over all of
 * them, made by the configured factory and made again only when groups, rules, tags or attachments
 * changed since the last one. Not thread-safe: the simulator uses it under its lock.
 */
final class EstateView {
  private final Function<Estate, FlowEvaluator> factory;
  private long version;
  private long evaluatorVersion = -1;
  private FlowEvaluator evaluator;

  EstateView(Function<Estate, FlowEvaluator> factory) {
    this.factory = factory;
  }

  /** Something the evaluator sees changed: the next {@link #evaluator} is made anew. */
  void changed() {
    version++;
  }

  /** The evaluator over every region, made again if something changed since the last one. */
  FlowEvaluator evaluator(Collection<RegionState> regions) {
    if (evaluator == null || evaluatorVersion != version) {
      evaluator = factory.apply(estate(regions, null));
      evaluatorVersion = version;
    }
    return evaluator;
  }

  /** The groups and instances of every region, or only of {@code onlyRegion} when not null. */
  static Estate estate(Collection<RegionState> regions, String onlyRegion) {
    List<GroupState> groups = new ArrayList<>();
    List<InstanceState> instances = new ArrayList<>();
    for (RegionState r : regions) {
      if (onlyRegion != null && !onlyRegion.equals(r.name)) {
        continue;
      }
      r.groups.values().forEach(g -> groups.add(g.state(r.name)));
      r.instances.values().forEach(i -> instances.add(i.state(r.name)));
    }
    return new Estate(groups, instances);
  }
}
