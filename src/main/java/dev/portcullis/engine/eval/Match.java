package dev.portcullis.engine.eval;

import dev.portcullis.engine.Rule;

/** The rule that allowed one leg of a flow, and the group it belongs to. */
public record Match(String groupId, String groupName, Rule rule) {
  public String display() {
    return "rule \"" + rule.display() + "\" of group " + groupId + " (" + groupName + ")";
  }
}
