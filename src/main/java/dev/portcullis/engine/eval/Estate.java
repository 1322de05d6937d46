package dev.portcullis.engine.eval;

import java.util.List;

/** Everything the evaluator needs: every group and every instance, of every region. */
public record Estate(List<GroupState> groups, List<InstanceState> instances) {
  public Estate {
    groups = List.copyOf(groups);
    instances = List.copyOf(instances);
  }
}
