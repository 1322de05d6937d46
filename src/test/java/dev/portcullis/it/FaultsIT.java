package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.Faults;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Throttling and eventual consistency are passing: the operator retries them with backoff and still
 * converges, with one group per resource.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class FaultsIT {
  @Test
  void throttledAndEventuallyConsistentEc2StillConvergesWithoutDuplicates() {
    Ec2Simulator sim =
        Ec2Simulator.builder()
            .world(WorldLoader.loadResource("/worlds/demo.yaml"))
            .throttling(ThrottlingMode.OFF)
            .faults(
                Faults.none().withThrottleRate(0.3).withConsistencyWindow(Duration.ofMillis(300)))
            .seed(11)
            .build();
    try (OperatorRun run = new OperatorRun("faults", sim).start()) {
      for (int i = 0; i < 20; i++) {
        run.apply(
            SecurityGroup.class,
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: g"
                + i
                + "}\nspec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n  ingress:\n"
                + "    - ports: [https]\n      from: [{cidr: 10.0."
                + i
                + ".0/24}"
                + (i > 0 ? ", {securityGroup: g" + (i - 1) + "}" : "")
                + "]\n");
      }
      run.awaitReadyGroups(20, Duration.ofSeconds(60));
      assertThat(sim.calls().total()).isPositive();
      long throttled =
          Arrays.stream(Ec2Action.values())
              .mapToLong(a -> sim.calls().count(a, "RequestLimitExceeded"))
              .sum();
      assertThat(throttled).as("the faults were injected").isPositive();
      run.assertOneGroupEach(20);
    }
  }
}
