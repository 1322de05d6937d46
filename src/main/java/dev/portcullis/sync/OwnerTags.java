package dev.portcullis.sync;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tags that mark a group as created for one custom resource. They make creation idempotent (a
 * restarted operator finds the group it created before it could record the id) and keep the
 * operator's hands off groups it does not own.
 */
public record OwnerTags(String namespace, String name, String uid) {
  public static final String PREFIX = "portcullis.dev/";
  public static final String NAMESPACE = PREFIX + "namespace";
  public static final String NAME = PREFIX + "name";
  public static final String UID = PREFIX + "uid";
  public static final String MANAGED_BY = PREFIX + "managed-by";
  public static final String MANAGED_BY_VALUE = "portcullis";

  /** The keys of every ownership tag. */
  public static List<String> keys() {
    return List.of(MANAGED_BY, NAMESPACE, NAME, UID);
  }

  public Map<String, String> asTags() {
    Map<String, String> t = new LinkedHashMap<>();
    t.put(MANAGED_BY, MANAGED_BY_VALUE);
    t.put(NAMESPACE, namespace);
    t.put(NAME, name);
    t.put(UID, uid);
    return t;
  }

  /** The filter that finds this resource's group: its uid alone is unique. */
  public Map<String, String> lookupFilter() {
    return Map.of(UID, uid);
  }

  /** Whether a group's tags say it belongs to this resource. */
  public boolean owns(Map<String, String> tags) {
    return uid.equals(tags.get(UID));
  }
}
