package dev.portcullis.operator;

import dev.portcullis.cloud.aws.FlowLogCheckpoint;
import dev.portcullis.cloud.aws.FlowLogCheckpoints;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flow log source's checkpoint kept in a ConfigMap of the operator's own namespace (one per
 * release, named after it), under a key of its own (its region and log group), so that a restarted
 * operator, or the replica that takes over, resumes where the last reader stopped. Written only by
 * the replica that leads (the only one that reads flow logs), with the ConfigMap's resource
 * version, so that a write on a version it did not read fails rather than overwrites.
 */
public final class ConfigMapCheckpoints implements FlowLogCheckpoints {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigMapCheckpoints.class);

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final String source;
  private final String key;

  /**
   * @param region the flow logs' region
   * @param logGroup their CloudWatch Logs group
   */
  public ConfigMapCheckpoints(
      KubernetesClient client, String namespace, String name, String region, String logGroup) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    this.source = region + " " + logGroup;
    this.key = key(region, logGroup);
  }

  /** A ConfigMap key for the source: its region and group, other characters than a key's as _. */
  static String key(String region, String logGroup) {
    String k = (region + "." + logGroup).replaceAll("[^-._a-zA-Z0-9]", "_");
    return k.length() > 253 ? k.substring(0, 253) : k;
  }

  /** Where it is kept, for log lines. */
  String describe() {
    return "ConfigMap " + namespace + "/" + name + " key " + key;
  }

  @Override
  public Optional<FlowLogCheckpoint> load() {
    ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
    String text = map == null || map.getData() == null ? null : map.getData().get(key);
    if (text == null) {
      LOG.info("No flow log checkpoint in {}: reading {} from now", describe(), source);
      return Optional.empty();
    }
    Optional<FlowLogCheckpoint> c = parse(source, text, describe());
    c.ifPresent(
        p ->
            LOG.info(
                "Resuming {} from the checkpoint in {}: newest record at {} ms, {} ids counted",
                source,
                describe(),
                p.newest(),
                p.counted().size()));
    return c;
  }

  /**
   * The checkpoint {@code text} holds for {@code source} (its first line), or empty with a warning
   * when it holds another source's or is not one.
   */
  static Optional<FlowLogCheckpoint> parse(String source, String text, String where) {
    int nl = text.indexOf('\n');
    String first = nl < 0 ? text : text.substring(0, nl);
    if (!first.equals(source)) {
      LOG.warn(
          "The flow log checkpoint in {} is for \"{}\", not \"{}\"; reading from now",
          where,
          first,
          source);
      return Optional.empty();
    }
    try {
      return Optional.of(FlowLogCheckpoint.decode(text.substring(nl + 1)));
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "The flow log checkpoint in {} is corrupt ({}); reading {} from now: records logged while"
              + " no operator read them may not be counted",
          where,
          e.getMessage(),
          source);
      return Optional.empty();
    }
  }

  /** What {@link #parse} reads. */
  static String format(String source, FlowLogCheckpoint checkpoint) {
    return source + "\n" + checkpoint.encode();
  }

  @Override
  public boolean save(FlowLogCheckpoint checkpoint) {
    String text = format(source, checkpoint);
    try {
      ConfigMap map = client.configMaps().inNamespace(namespace).withName(name).get();
      if (map == null) {
        client
            .configMaps()
            .inNamespace(namespace)
            .resource(
                new ConfigMapBuilder()
                    .withNewMetadata()
                    .withNamespace(namespace)
                    .withName(name)
                    .addToLabels("app.kubernetes.io/managed-by", "portcullis")
                    .endMetadata()
                    .withData(Map.of(key, text))
                    .build())
            .create();
        return true;
      }
      Map<String, String> data =
          map.getData() == null ? new HashMap<>() : new HashMap<>(map.getData());
      if (text.equals(data.get(key))) {
        return true;
      }
      data.put(key, text);
      map.setData(data);
      client.configMaps().inNamespace(namespace).resource(map).update();
      return true;
    } catch (KubernetesClientException e) {
      LOG.warn(
          "Could not save the flow log checkpoint to {} ({}); trying again after the next read. A"
              + " restart before then counts again the records read since the last one saved",
          describe(),
          e.getStatus() != null && e.getStatus().getMessage() != null
              ? e.getStatus().getMessage()
              : e.getMessage());
      return false;
    }
  }
}
