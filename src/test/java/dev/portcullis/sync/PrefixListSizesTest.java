package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.simulator.DemoWorld;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.engine.RuleCounts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PrefixListSizesTest {
  private static final String EU = "eu-west-1";
  private static final String LIST = "pl-0c0ffee1"; // 10 entries, IPv4, in the demo world
  private static final RuleCounts.PrefixListSize TEN =
      new RuleCounts.PrefixListSize(10, RuleCounts.PrefixListSize.Family.IPV4);

  private final Ec2Simulator sim = DemoWorld.unthrottled();
  private final AtomicLong nanos = new AtomicLong();
  private final PrefixListSizes sizes =
      new PrefixListSizes(sim, new Retry(3, 1, 1, ms -> {}, 1), Duration.ofMinutes(5), nanos::get);

  private long describes() {
    return sim.calls().total(Ec2Action.DESCRIBE_MANAGED_PREFIX_LISTS);
  }

  @Test
  void aListIsReadOnceAndKeptUntilItsTimeIsUp() {
    assertThat(sizes.of(EU, List.of(LIST))).containsExactly(Map.entry(LIST, TEN));
    assertThat(sizes.of(EU, List.of(LIST))).containsExactly(Map.entry(LIST, TEN));
    assertThat(describes()).isEqualTo(1);

    nanos.addAndGet(Duration.ofMinutes(5).toNanos());
    assertThat(sizes.of(EU, List.of(LIST))).containsExactly(Map.entry(LIST, TEN));
    assertThat(describes()).as("read again after five minutes").isEqualTo(2);
  }

  @Test
  void regionsAreApartAndAnUnknownListFailsWithTheCloudsError() {
    sizes.of(EU, List.of(LIST));
    CloudException e =
        catchThrowableOfType(CloudException.class, () -> sizes.of("us-east-1", List.of(LIST)));
    assertThat(e.code()).isEqualTo("InvalidPrefixListID.NotFound");
    assertThat(e.getMessage()).contains(LIST);
    assertThat(sizes.of(EU, List.of())).isEmpty();
  }
}
