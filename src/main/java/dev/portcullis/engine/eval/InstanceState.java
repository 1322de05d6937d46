package dev.portcullis.engine.eval;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An instance as the evaluator sees it. The first interface is the primary one: flows to the
 * instance arrive there, and flows from it leave from there.
 */
public record InstanceState(
    String instanceId,
    String region,
    String vpcId,
    List<NetworkInterface> interfaces,
    Set<Listener> listeners,
    Map<String, String> tags) {
  public InstanceState {
    interfaces = List.copyOf(interfaces);
    listeners = Set.copyOf(listeners);
    tags = Map.copyOf(tags);
    if (interfaces.isEmpty()) {
      throw new IllegalArgumentException("instance " + instanceId + " has no network interface");
    }
  }

  public NetworkInterface primary() {
    return interfaces.get(0);
  }
}
