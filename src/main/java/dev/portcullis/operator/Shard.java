package dev.portcullis.operator;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The part of the estate one operator serves, beyond its namespaces: the resources labelled {@value
 * #LABEL} with its value, or every resource when it has none. Several operators (Helm releases),
 * each with a shard of its own, split an estate that one would find too large; each has its own
 * lease, informer caches and share of the EC2 request budget.
 *
 * <p>A resource names SecurityGroups of its own shard only: the operator of a shard neither sees
 * the others' resources nor is woken by their changes. A name that resolves to a SecurityGroup of
 * another shard is refused with a condition that names both shards ({@link #outside}), never left
 * waiting for a group that this operator will not see.
 */
public final class Shard {
  /** The label whose value puts a resource in a shard. */
  public static final String LABEL = "portcullis.dev/shard";

  /** A label value: at most 63 characters, alphanumerics at both ends, {@code -_.} inside. */
  private static final Pattern VALUE =
      Pattern.compile("(?=.{1,63}$)[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?");

  /** Every resource of the operator's namespaces: no shard. */
  public static final Shard ALL = new Shard(null, (ns, name) -> Optional.empty());

  private final String value;
  private final BiFunction<String, String, Optional<SecurityGroup>> lookup;

  private Shard(String value, BiFunction<String, String, Optional<SecurityGroup>> lookup) {
    this.value = value;
    this.lookup = lookup;
  }

  /**
   * The shard {@code value}; blank for {@link #ALL}.
   *
   * @throws IllegalArgumentException when {@code value} cannot be a label's value
   */
  public static Shard of(String value) {
    if (value == null || value.isBlank()) {
      return ALL;
    }
    if (!VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "\""
              + value
              + "\" is not a label value (at most 63 characters: letters, digits, '-', '_' or"
              + " '.', beginning and ending with a letter or digit)");
    }
    return new Shard(value, (ns, name) -> Optional.empty());
  }

  /**
   * The same shard, reading a SecurityGroup outside its informer cache (to tell a name of another
   * shard from one that does not exist) with {@code client}: a list by name, which the operator's
   * RBAC allows already.
   */
  Shard readingWith(KubernetesClient client) {
    if (value == null) {
      return this;
    }
    return readingWith(
        (ns, name) -> {
          List<SecurityGroup> found =
              client
                  .resources(SecurityGroup.class)
                  .inNamespace(ns)
                  .withField("metadata.name", name)
                  .list()
                  .getItems();
          return found.stream().findFirst();
        });
  }

  /** The same shard, reading SecurityGroups outside the cache with {@code lookup}. */
  Shard readingWith(BiFunction<String, String, Optional<SecurityGroup>> lookup) {
    return value == null ? this : new Shard(value, lookup);
  }

  /** The label value, or null for {@link #ALL}. */
  public String value() {
    return value;
  }

  /** The informers' label selector: null for {@link #ALL}. */
  public String labelSelector() {
    return value == null ? null : LABEL + "=" + value;
  }

  /** Whether the resource is in this shard. */
  public boolean contains(HasMetadata resource) {
    return value == null || value.equals(shardOf(resource));
  }

  private static String shardOf(HasMetadata resource) {
    Map<String, String> labels = resource.getMetadata().getLabels();
    return labels == null ? null : labels.get(LABEL);
  }

  /**
   * Why {@code name}, which this operator's cache does not hold, cannot be used by {@code
   * referrer}, a {@code kind} of namespace {@code namespace}: empty when no SecurityGroup of that
   * name exists (the referrer waits for it, as without shards), else a message that names the shard
   * it is in and this one.
   */
  Optional<String> outside(String kind, String namespace, String name) {
    if (value == null) {
      return Optional.empty();
    }
    return lookup
        .apply(namespace, name)
        .filter(sg -> !contains(sg))
        .map(
            sg -> {
              String theirs = shardOf(sg);
              return "SecurityGroup "
                  + name
                  + (theirs == null
                      ? " has no " + LABEL + " label"
                      : " is in shard " + LABEL + "=" + theirs)
                  + ", and this operator serves "
                  + labelSelector()
                  + ": a "
                  + kind
                  + " may only name SecurityGroups of its own shard, as no one operator sees"
                  + " both; label them alike";
            });
  }

  /** For the operator's start-up line. */
  @Override
  public String toString() {
    return value == null ? "every shard" : "shard " + labelSelector();
  }
}
