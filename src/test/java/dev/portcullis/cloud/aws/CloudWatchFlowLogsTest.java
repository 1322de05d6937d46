package dev.portcullis.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/** Reading a log group incrementally, and resuming across restarts from a checkpoint. */
class CloudWatchFlowLogsTest {
  private static final long MINUTE = 60_000;
  private static final long T = 1_800_000_000_000L;

  /** A log group: its events, and the start times the reads asked for. */
  private static final class Group implements CloudWatchLogsClient {
    final List<FilteredLogEvent> events = new ArrayList<>();
    final List<Long> asked = new ArrayList<>();

    void put(String id, long at) {
      events.add(FilteredLogEvent.builder().eventId(id).timestamp(at).message("m " + id).build());
    }

    @Override
    public FilterLogEventsResponse filterLogEvents(FilterLogEventsRequest r) {
      asked.add(r.startTime());
      return FilterLogEventsResponse.builder()
          .events(events.stream().filter(e -> e.timestamp() >= r.startTime()).toList())
          .build();
    }

    @Override
    public String serviceName() {
      return "logs";
    }

    @Override
    public void close() {}
  }

  /** A store in memory, that counts its writes. */
  private static final class Store implements FlowLogCheckpoints {
    FlowLogCheckpoint kept;
    int saves;

    @Override
    public Optional<FlowLogCheckpoint> load() {
      return Optional.ofNullable(kept);
    }

    @Override
    public boolean save(FlowLogCheckpoint c) {
      kept = FlowLogCheckpoint.decode(c.encode());
      saves++;
      return true;
    }
  }

  private static CloudWatchFlowLogs reader(Group g, long now, FlowLogCheckpoints store) {
    return new CloudWatchFlowLogs(g, "/flows", "version", () -> now, store);
  }

  @Test
  void withoutACheckpointTheFirstReadLooksBackFromNow() {
    Group g = new Group();
    g.put("old", T - 6 * MINUTE);
    g.put("recent", T - MINUTE);
    CloudWatchFlowLogs r = reader(g, T, FlowLogCheckpoints.NONE);
    assertThat(r.read()).containsExactly("m recent");
    assertThat(g.asked).containsExactly(T - 5 * MINUTE);
  }

  @Test
  void aRestartResumesFromTheCheckpointCountingWhatWasLoggedWhileDownOnce() {
    Group g = new Group();
    Store store = new Store();
    g.put("a", T - 2 * MINUTE);
    g.put("b", T);
    CloudWatchFlowLogs first = reader(g, T, store);
    assertThat(first.read()).containsExactly("m a", "m b");
    first.counted();
    assertThat(store.kept.newest()).isEqualTo(T);
    assertThat(store.kept.counted()).containsOnlyKeys("a", "b");

    // Down for 20 minutes: records timestamped while down, one older than the last one read.
    g.put("late", T - MINUTE);
    g.put("while-down", T + 10 * MINUTE);
    g.put("at-restart", T + 20 * MINUTE);
    CloudWatchFlowLogs second = reader(g, T + 20 * MINUTE, store);
    assertThat(second.read()).containsExactly("m late", "m while-down", "m at-restart");
    assertThat(g.asked).containsExactly(T - 5 * MINUTE, T - 5 * MINUTE);
    second.counted();
    assertThat(second.read()).as("nothing new").isEmpty();
    assertThat(g.asked.get(2)).isEqualTo(T + 15 * MINUTE);
  }

  @Test
  void theCheckpointIsSavedOnlyWhenItChanged() {
    Group g = new Group();
    Store store = new Store();
    g.put("a", T);
    CloudWatchFlowLogs r = reader(g, T, store);
    r.read();
    r.counted();
    r.read();
    r.counted();
    assertThat(store.saves).isEqualTo(1);
    g.put("b", T + 1);
    r.read();
    r.counted();
    assertThat(store.saves).isEqualTo(2);
    assertThat(store.kept.counted()).containsOnlyKeys("a", "b");
  }

  @Test
  void idsOlderThanTheWindowAreForgottenInTheCheckpoint() {
    Group g = new Group();
    Store store = new Store();
    g.put("a", T - 4 * MINUTE);
    CloudWatchFlowLogs r = reader(g, T, store);
    r.read();
    g.put("b", T + 2 * MINUTE);
    r.read();
    r.counted();
    assertThat(store.kept.counted()).containsOnlyKeys("b");
  }

  @Test
  void pastTheCapTheNewestIdsAreKeptAndTheCheckpointFitsAConfigMap() {
    Map<String, Long> ids = new HashMap<>();
    for (int i = 0; i < FlowLogCheckpoint.MAX_IDS + 100; i++) {
      // CloudWatch's event ids are 56 digits.
      ids.put(String.format("%056d", i), T - 5 * MINUTE + i);
    }
    FlowLogCheckpoint c = new FlowLogCheckpoint(T, ids).capped(FlowLogCheckpoint.MAX_IDS);
    assertThat(c.counted()).hasSize(FlowLogCheckpoint.MAX_IDS);
    assertThat(c.counted()).doesNotContainKey(String.format("%056d", 99));
    assertThat(c.counted()).containsKey(String.format("%056d", 100));
    assertThat(c.encode().getBytes(StandardCharsets.UTF_8).length).isLessThan(1024 * 1024 * 6 / 10);
    assertThat(FlowLogCheckpoint.decode(c.encode())).isEqualTo(c);
  }

  @Test
  void aCorruptCheckpointIsRejectedNamingTheLine() {
    assertThatThrownBy(() -> FlowLogCheckpoint.decode("garbage"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 1");
    assertThatThrownBy(() -> FlowLogCheckpoint.decode("flow-log-checkpoint v1\nsoon\n"))
        .hasMessageContaining("line 2: \"soon\" is not a timestamp");
    assertThatThrownBy(() -> FlowLogCheckpoint.decode("flow-log-checkpoint v1\n5\nid1 7 8\n"))
        .hasMessageContaining("line 3");
    assertThatThrownBy(() -> FlowLogCheckpoint.decode(null)).hasMessageContaining("line 1");
  }
}
