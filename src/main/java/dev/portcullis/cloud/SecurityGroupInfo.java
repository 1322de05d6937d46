package dev.portcullis.cloud;

import java.util.List;
import java.util.Map;

/** A security group as described by EC2, with its rules in canonical form. */
public record SecurityGroupInfo(
    String groupId,
    String groupName,
    String description,
    String vpcId,
    Map<String, String> tags,
    List<ObservedRule> rules) {
  public SecurityGroupInfo {
    tags = Map.copyOf(tags);
    rules = List.copyOf(rules);
  }
}
