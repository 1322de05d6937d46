package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeadershipTest {
  private final LeaderElectionConfiguration lease =
      new LeaderElectionConfiguration("portcullis", "ops");

  @Test
  void everyReplicaHasAnIdentityOfItsOwnEvenOnOneHost() {
    Leadership a = Leadership.of(lease);
    Leadership b = Leadership.of(lease);
    assertThat(a.identity()).isNotEqualTo(b.identity()).contains("_");
    assertThat(a.configuration().getIdentity()).contains(a.identity());
  }

  @Test
  void anIdentityGivenIsKept() {
    Leadership given =
        Leadership.of(
            new LeaderElectionConfiguration(
                "portcullis",
                "ops",
                Duration.ofSeconds(15),
                Duration.ofSeconds(10),
                Duration.ofSeconds(2),
                "pod-1",
                null,
                true));
    assertThat(given.identity()).isEqualTo("pod-1");
  }

  @Test
  void theSdkGetsTheLeaseAsGivenWithCallbacksAndNoExitOfItsOwn() {
    LeaderElectionConfiguration c = Leadership.of(lease).configuration();
    assertThat(c.getLeaseName()).isEqualTo("portcullis");
    assertThat(c.getLeaseNamespace()).contains("ops");
    assertThat(c.getLeaseDuration()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.getRenewDeadline()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.getRetryPeriod()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.getLeaderCallbacks()).isPresent();
    // The SDK's exit would come from the shutdown hook and hang it; Leadership exits itself.
    assertThat(c.isExitOnStopLeading()).isFalse();
  }

  @Test
  void leadsFromTheStartCallbackAndNoLongerOnceStopped() {
    Leadership l = Leadership.of(lease);
    LeaderElectionConfiguration c = l.configuration();
    assertThat(l.leading()).isFalse();
    c.getLeaderCallbacks().orElseThrow().onStartLeading();
    assertThat(l.leading()).isTrue();
    l.stopping();
    c.getLeaderCallbacks().orElseThrow().onStopLeading();
    assertThat(l.leading()).isFalse();
  }
}
