package dev.portcullis.engine.eval;

import dev.portcullis.engine.Rule;
import java.util.List;

/** A security group as the evaluator sees it: canonical, resolved rules of both directions. */
public record GroupState(
    String groupId, String groupName, String region, String vpcId, List<Rule> rules) {
  public GroupState {
    rules = List.copyOf(rules);
  }
}
