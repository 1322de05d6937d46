package dev.portcullis.cloud.aws;

import dev.portcullis.cloud.FlowLogSource;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * is still read once, and none is read twice. Ids older than the window are forgotten. The first
 * read looks back from the time the source was made as any read does; what was read is kept in
 * memory only, so a new source (a restarted operator) reads the last {@link #LOOKBACK} again and
 * nothing older.
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

  private long newest;

  /**
   * @param startMillis the first read's start (milliseconds since the epoch)
   */
  CloudWatchFlowLogs(
      CloudWatchLogsClient client, String logGroup, String format, long startMillis) {
    this.client = client;
    this.logGroup = logGroup;
    this.format = format;
    this.newest = startMillis;
  }

  /**
   * A reader of {@code logGroup} in {@code region}.
   *
   * @param endpoint CloudWatch Logs' endpoint, or null for the region's own
   * @param credentials the credentials, or null for the SDK's default chain
   * @param format the group's records' {@code LogFormat} or header line
   * @param now the clock the first read starts from
   */
  public static CloudWatchFlowLogs of(
      String region,
      String logGroup,
      URI endpoint,
      AwsCredentialsProvider credentials,
      String format,
      LongSupplier now) {
    CloudWatchLogsClientBuilder b =
        CloudWatchLogsClient.builder()
            .region(Region.of(region))
            .credentialsProvider(
                credentials == null ? DefaultCredentialsProvider.builder().build() : credentials);
    if (endpoint != null) {
      b.endpointOverride(endpoint);
    }
    return new CloudWatchFlowLogs(b.build(), logGroup, format, now.getAsLong());
  }

  @Override
  public List<String> read() {
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
