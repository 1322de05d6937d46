package dev.portcullis.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Turns the references users write into the group ids EC2 answers with: {@code self} becomes the
 * group's own id and {@code securityGroup: web} becomes web's id. Until every reference resolves,
 * nothing should be applied, so the result says which names are missing.
 */
public final class Resolver {
  private Resolver() {}

  /** Resolved canonical rules, or the names that could not be resolved. */
  public record Resolution(List<Rule> rules, List<String> missing) {
    public Resolution {
      rules = List.copyOf(rules);
      missing = List.copyOf(missing);
    }

    public boolean complete() {
      return missing.isEmpty();
    }
  }

  /**
   * @param rules canonical rules that may hold {@link NamedGroupPeer}s and {@link SelfPeer}s
   * @param ownGroupId the id of the group these rules belong to (for {@code self})
   * @param groupIdsByName ids of the SecurityGroups in the same namespace, by resource name
   */
  public static Resolution resolve(
      Collection<Rule> rules, String ownGroupId, Map<String, String> groupIdsByName) {
    List<Rule> out = new ArrayList<>();
    TreeSet<String> missing = new TreeSet<>();
    for (Rule r : rules) {
      Peer p = r.peer();
      if (p instanceof SelfPeer) {
        if (ownGroupId == null) {
          missing.add("self");
          continue;
        }
        out.add(r.withPeer(new GroupPeer(ownGroupId)));
      } else if (p instanceof NamedGroupPeer n) {
        String id = groupIdsByName.get(n.name());
        if (id == null) {
          missing.add(n.name());
          continue;
        }
        out.add(r.withPeer(new GroupPeer(id)));
      } else {
        out.add(r);
      }
    }
    return new Resolution(Canonicalizer.normalize(out), new ArrayList<>(missing));
  }
}
