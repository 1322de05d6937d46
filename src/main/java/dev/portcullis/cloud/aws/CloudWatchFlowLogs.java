package dev.portcullis.cloud.aws;

import dev.portcullis.cloud.FlowLogSource;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClientBuilder;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * VPC Flow Logs delivered to a CloudWatch Logs group, read with {@code FilterLogEvents} across
 * every stream of the group (one per network interface), incrementally: each read asks for the
 * events from {@link #LOOKBACK} before the newest one seen so far, and drops those it has already
 * returned by their event ids, so that a record CloudWatch ingests late, with an older timestamp,
 * is still read once, and none is read twice. Ids older than the window are forgotten.
 *
 * <p>Across restarts: after the records of a read were counted ({@link #counted()}), where the
 * reader stands (the newest timestamp and the ids of the window, a {@link FlowLogCheckpoint}) is
 * saved, when it changed, to the {@link FlowLogCheckpoints} given. The first read loads it (at the
 * first read, not when the source is made, so that a replica which stood by resumes from where the
 * leader before it stopped) and resumes from it: from {@link #LOOKBACK} before its newest, so that
 * the records logged while no reader ran are read, and without the ids it holds. With none, the
 * first read looks back from the clock's now, as any read does.
 *
 * <p>Not thread-safe: one reader calls {@link #read()}.
 */
public final class CloudWatchFlowLogs implements FlowLogSource, AutoCloseable {
  /** How far back each read looks again for events CloudWatch ingested late. */
  public static final Duration LOOKBACK = Duration.ofMinutes(5);

  private final CloudWatchLogsClient client;
  private final String logGroup;
  private final String format;

  /** Event id to timestamp, of the events returned within the window. */
  private final Map<String, Long> seen = new HashMap<>();

  private final LongSupplier now;
  private final FlowLogCheckpoints checkpoints;
  private boolean started;
  private long newest;
  private FlowLogCheckpoint saved;

  /**
   * @param now the clock the first read starts from without a checkpoint (milliseconds since the
   *     epoch)
   */
  CloudWatchFlowLogs(
      CloudWatchLogsClient client,
      String logGroup,
      String format,
      LongSupplier now,
      FlowLogCheckpoints checkpoints) {
    this.client = client;
    this.logGroup = logGroup;
    this.format = format;
    this.now = now;
    this.checkpoints = checkpoints;
  }

  /**
   * A reader of {@code logGroup} in {@code region}.
   *
   * @param endpoint CloudWatch Logs' endpoint, or null for the region's own
   * @param credentials the credentials, or null for the SDK's default chain
   * @param format the group's records' {@code LogFormat} or header line
   * @param now the clock the first read starts from without a checkpoint
   * @param checkpoints where the reader's checkpoint is kept across restarts
   */
  public static CloudWatchFlowLogs of(
      String region,
      String logGroup,
      URI endpoint,
      AwsCredentialsProvider credentials,
      String format,
      LongSupplier now,
      FlowLogCheckpoints checkpoints) {
    CloudWatchLogsClientBuilder b =
        CloudWatchLogsClient.builder()
            .region(Region.of(region))
            .credentialsProvider(
                credentials == null ? DefaultCredentialsProvider.builder().build() : credentials);
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    return new CloudWatchFlowLogs(b.build(), logGroup, format, now, checkpoints);
  }

  @Override
  public List<String> read() {
    if (!started) {
      Optional<FlowLogCheckpoint> resumed = checkpoints.load();
      newest = resumed.map(FlowLogCheckpoint::newest).orElseGet(now::getAsLong);
      resumed.ifPresent(c -> seen.putAll(c.counted()));
      saved = resumed.orElse(null);
      started = true;
    }
    long from = Math.max(0, newest - LOOKBACK.toMillis());
    List<String> lines = new ArrayList<>();
    long latest = newest;
    for (FilteredLogEvent e :
        client.filterLogEventsPaginator(r -> r.logGroupName(logGroup).startTime(from)).events()) {
      long at = e.timestamp() == null ? from : e.timestamp();
      if (seen.putIfAbsent(e.eventId(), at) != null) {
        continue;
      }
      latest = Math.max(latest, at);
      for (String line : e.message().split("\n")) {
        if (!line.isBlank()) {
          lines.add(line.strip());
        }
      }
    }
    newest = latest;
    long forget = newest - LOOKBACK.toMillis();
    seen.values().removeIf(at -> at < forget);
    return lines;
  }

  /** Where the reader stands: the newest timestamp read, the newest ids of the window. */
  public FlowLogCheckpoint checkpoint() {
    return new FlowLogCheckpoint(newest, seen).capped(FlowLogCheckpoint.MAX_IDS);
  }

  /** Saves the checkpoint when it changed since it was saved (or loaded) last. */
  @Override
  public void counted() {
    if (!started) {
      return;
    }
    FlowLogCheckpoint now = checkpoint();
    if (!now.equals(saved) && checkpoints.save(now)) {
      saved = now;
    }
  }

  @Override
  public String format() {
    return format;
  }

  @Override
  public String describe() {
    return "CloudWatch Logs group " + logGroup;
  }

  @Override
  public void close() {
    client.close();
  }
}
