package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.AbstractRule;
import dev.portcullis.api.v1alpha1.EgressRule;
import dev.portcullis.api.v1alpha1.IngressRule;
import dev.portcullis.api.v1alpha1.RulePeer;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupSpec;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shares the strings that repeat from one cached SecurityGroup to the next. Every resource read
 * from the API server arrives with strings of its own, so a thousand groups in one region and
 * namespace hold a thousand copies of the region, the VPC id, the namespace, each protocol, port
 * and common network, each condition's type, status and reason, and the text of each rule in {@code
 * status.managedRules}. Interned strings are shared and, when no resource uses them any more,
 * collected like any other.
 */
final class CacheCompaction {
  private CacheCompaction() {}

  private static String i(String s) {
    return s == null ? null : s.intern();
  }

  private static List<String> i(List<String> l) {
    return l == null ? null : l.stream().map(CacheCompaction::i).toList();
  }

  static void compact(ObjectMeta meta) {
    if (meta == null) {
      return;
    }
    meta.setNamespace(i(meta.getNamespace()));
    meta.setFinalizers(i(meta.getFinalizers()));
    meta.setCreationTimestamp(i(meta.getCreationTimestamp()));
  }

  static SecurityGroup compact(SecurityGroup sg) {
    compact(sg.getMetadata());
    SecurityGroupSpec spec = sg.getSpec();
    if (spec != null) {
      spec.setRegion(i(spec.getRegion()));
      spec.setVpcId(i(spec.getVpcId()));
      spec.setDescription(i(spec.getDescription()));
      if (spec.getTags() != null) {
        Map<String, String> tags = new LinkedHashMap<>();
        spec.getTags().forEach((k, v) -> tags.put(i(k), i(v)));
        spec.setTags(tags);
      }
      if (spec.getIngress() != null) {
        for (IngressRule r : spec.getIngress()) {
          rule(r);
          peers(r.getFrom());
        }
      }
      if (spec.getEgress() != null) {
        for (EgressRule r : spec.getEgress()) {
          rule(r);
          peers(r.getTo());
        }
      }
    }
    SecurityGroupStatus status = sg.getStatus();
    if (status != null) {
      status.setManagedRules(i(status.getManagedRules()));
      // the group id and name are shared with the group inventory's copy
      status.setGroupId(i(status.getGroupId()));
      status.setGroupName(i(status.getGroupName()));
      status.setLastSyncTime(i(status.getLastSyncTime()));
      if (status.getConditions() != null) {
        for (Condition c : status.getConditions()) {
          c.setType(i(c.getType()));
          c.setStatus(i(c.getStatus()));
          c.setReason(i(c.getReason()));
          c.setMessage(i(c.getMessage()));
          c.setLastTransitionTime(i(c.getLastTransitionTime()));
        }
      }
    }
    return sg;
  }

  private static void rule(AbstractRule r) {
    r.setProtocol(i(r.getProtocol()));
    r.setPorts(i(r.getPorts()));
    r.setDescription(i(r.getDescription()));
  }

  private static void peers(List<RulePeer> peers) {
    if (peers == null) {
      return;
    }
    for (RulePeer p : peers) {
      p.setCidr(i(p.getCidr()));
      p.setSecurityGroup(i(p.getSecurityGroup()));
      p.setSecurityGroupId(i(p.getSecurityGroupId()));
      p.setPrefixListId(i(p.getPrefixListId()));
    }
  }
}
