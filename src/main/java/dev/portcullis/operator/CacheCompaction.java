package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.AbstractRule;
import dev.portcullis.api.v1alpha1.EgressRule;
import dev.portcullis.api.v1alpha1.IngressRule;
import dev.portcullis.api.v1alpha1.RulePeer;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupSpec;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.sync.Canon;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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
    return l == null ? null : trimmed(l.stream().map(CacheCompaction::i).toList());
  }

  /**
   * The resource's name, namespace and uid are interned too, although the name and uid are its own:
   * then the informer's key, JOSDK's resource ids (which otherwise keep the strings of whichever
   * version of the resource they were made from), the cached object and the group inventory's owner
   * tags all share one copy. Fabric8 gives every object empty maps and lists of its own for labels,
   * annotations, owner references and unknown fields; the cache keeps one shared empty instance
   * instead (it is read, never written: JOSDK hands the reconcilers copies).
   */
  static void compact(ObjectMeta meta) {
    if (meta == null) {
      return;
    }
    meta.setName(i(meta.getName()));
    meta.setNamespace(i(meta.getNamespace()));
    meta.setUid(i(meta.getUid()));
    meta.setFinalizers(i(meta.getFinalizers()));
    meta.setCreationTimestamp(i(meta.getCreationTimestamp()));
    meta.setLabels(shared(meta.getLabels()));
    meta.setAnnotations(shared(meta.getAnnotations()));
    meta.setAdditionalProperties(shared(meta.getAdditionalProperties()));
    if (meta.getOwnerReferences() != null && meta.getOwnerReferences().isEmpty()) {
      meta.setOwnerReferences(List.of());
    }
  }

  /** The shared empty map in place of an empty one; otherwise the map itself. */
  static <K, V> Map<K, V> shared(Map<K, V> m) {
    return m != null && m.isEmpty() ? Map.of() : m;
  }

  static SecurityGroup compact(SecurityGroup sg) {
    return compact(sg, new Canon<>());
  }

  /**
   * As {@link #compact(SecurityGroup)}, and each rule of the spec shared through {@code rules} with
   * every other cached group that has an equal one (most groups share a good part of their rules:
   * the load balancer's ports, the offices, the VPC's range, DNS).
   */
  static SecurityGroup compact(SecurityGroup sg, Canon<AbstractRule> rules) {
    compact(sg.getMetadata());
    SecurityGroupSpec spec = sg.getSpec();
    if (spec != null) {
      spec.setRegion(i(spec.getRegion()));
      spec.setVpcId(i(spec.getVpcId()));
      spec.setDescription(i(spec.getDescription()));
      if (spec.getTags() != null) {
        Map<String, String> tags = new LinkedHashMap<>();
        spec.getTags().forEach((k, v) -> tags.put(i(k), i(v)));
        spec.setTags(tags.containsValue(null) ? tags : Map.copyOf(tags));
      }
      if (spec.getIngress() != null) {
        for (IngressRule r : spec.getIngress()) {
          rule(r);
          r.setFrom(peers(r.getFrom()));
        }
        spec.setIngress(shared(spec.getIngress(), rules));
      }
      if (spec.getEgress() != null) {
        for (EgressRule r : spec.getEgress()) {
          rule(r);
          r.setTo(peers(r.getTo()));
        }
        spec.setEgress(shared(spec.getEgress(), rules));
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
        status.setConditions(trimmed(status.getConditions()));
        for (Condition c : status.getConditions()) {
          c.setType(i(c.getType()));
          c.setStatus(i(c.getStatus()));
          c.setReason(i(c.getReason()));
          c.setMessage(i(c.getMessage()));
          c.setLastTransitionTime(i(c.getLastTransitionTime()));
          // Condition.equals compares this map, so it stays a map, but an empty one is shared
          c.setAdditionalProperties(shared(c.getAdditionalProperties()));
        }
      }
    }
    return sg;
  }

  /** The rules of {@code sg}'s spec, as {@link #compact(SecurityGroup, Canon)} shares them. */
  static Stream<AbstractRule> rules(SecurityGroup sg) {
    SecurityGroupSpec spec = sg.getSpec();
    if (spec == null) {
      return Stream.empty();
    }
    return Stream.concat(
        spec.getIngress() == null ? Stream.empty() : spec.getIngress().stream(),
        spec.getEgress() == null ? Stream.empty() : spec.getEgress().stream());
  }

  @SuppressWarnings("unchecked")
  private static <R extends AbstractRule> List<R> shared(List<R> l, Canon<AbstractRule> rules) {
    if (l == null || l.contains(null)) {
      return l;
    }
    return List.copyOf(l.stream().map(r -> (R) rules.intern(r)).toList());
  }

  private static void rule(AbstractRule r) {
    r.setProtocol(i(r.getProtocol()));
    r.setPorts(i(r.getPorts()));
    r.setDescription(i(r.getDescription()));
  }

  /**
   * A list of exactly its size, in place of the list the JSON reader grew; its elements may be
   * null, which List.copyOf refuses, so the list is kept as it is then.
   */
  private static <T> List<T> trimmed(List<T> l) {
    if (l == null || l.contains(null)) {
      return l;
    }
    return List.copyOf(l);
  }

  private static List<RulePeer> peers(List<RulePeer> peers) {
    if (peers == null) {
      return null;
    }
    for (RulePeer p : peers) {
      p.setCidr(i(p.getCidr()));
      p.setSecurityGroup(i(p.getSecurityGroup()));
      p.setSecurityGroupId(i(p.getSecurityGroupId()));
      p.setPrefixListId(i(p.getPrefixListId()));
    }
    return trimmed(peers);
  }
}
