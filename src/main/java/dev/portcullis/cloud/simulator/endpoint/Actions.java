package dev.portcullis.cloud.simulator.endpoint;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The EC2 actions the endpoint serves, each with the parameters it takes (their first name segment:
 * {@code IpPermissions} stands for every {@code IpPermissions.N.*}) and the handler that answers
 * it. The API families register their actions here; the endpoint dispatches by {@code Action}.
 */
final class Actions {
  /** Answers one action: reads the request, calls the model, writes the answer's elements. */
  @FunctionalInterface
  interface Handler {
    void answer(String region, QueryRequest request, Xml out);
  }

  record Action(String name, Set<String> parameters, Handler handler) {}

  /** Parameters every action takes: the envelope's, and SigV4's when signed in the query. */
  static final Set<String> ENVELOPE =
      Set.of(
          "Action",
          "Version",
          "DryRun",
          "X-Amz-Algorithm",
          "X-Amz-Credential",
          "X-Amz-Date",
          "X-Amz-Expires",
          "X-Amz-SignedHeaders",
          "X-Amz-Signature",
          "X-Amz-Security-Token");

  private final Map<String, Action> byName = new TreeMap<>();

  Actions add(String name, Set<String> parameters, Handler handler) {
    Set<String> all = new LinkedHashSet<>(ENVELOPE);
    all.addAll(parameters);
    if (byName.put(name, new Action(name, Set.copyOf(all), handler)) != null) {
      throw new IllegalStateException(name + " registered twice");
    }
    return this;
  }

  /** The action, or null when the endpoint does not serve it. */
  Action get(String name) {
    return byName.get(name);
  }

  /** Every action served, sorted. */
  Set<String> names() {
    return Collections.unmodifiableSet(byName.keySet());
  }
}
