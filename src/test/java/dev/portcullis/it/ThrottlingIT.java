package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.Faults;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * With EC2 answering RequestLimitExceeded to 30 % of all calls, 200 SecurityGroups still all reach
 * Ready, each with one group, and the attempts per group stay bounded: retries back off instead of
 * storming. The client-side limiter is off here, so that every call meets the injected faults.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class ThrottlingIT {
  static final int GROUPS = 200;

  @Test
  void twoHundredGroupsConvergeUnderThirtyPercentThrottling() {
    Ec2Simulator sim =
        Ec2Simulator.builder()
            .world(WorldLoader.loadResource("/worlds/demo.yaml"))
            .throttling(ThrottlingMode.OFF)
            .faults(Faults.none().withThrottleRate(0.3))
            .seed(23)
            .build();
    try (OperatorRun run =
        new OperatorRun("throttled", sim).tuned(s -> s.withRequestLimits(null)).start()) {
      for (int i = 0; i < GROUPS; i++) {
        run.apply(
            SecurityGroup.class,
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: g"
                + i
                + "}\nspec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n  ingress:\n"
                + "    - ports: [https, ssh]\n      from: [{cidr: 10."
                + (i % 250)
                + ".0.0/16}"
                + (i % 4 == 1 ? ", {securityGroup: g" + (i - 1) + "}" : "")
                + "]\n");
      }
      run.awaitReadyGroups(GROUPS, java.time.Duration.ofSeconds(180));

      long attempts = 0;
      long throttled = 0;
      for (Ec2Action a : Ec2Action.values()) {
        attempts += sim.calls().total(a);
        throttled += sim.calls().count(a, "RequestLimitExceeded");
      }
      System.out.printf(
          "throttling: %d EC2 attempts for %d groups (%.2f per group), %d answered"
              + " RequestLimitExceeded%n",
          attempts, GROUPS, (double) attempts / GROUPS, throttled);
      assertThat(throttled).as("faults were injected").isGreaterThan(attempts / 5);
      // 2 calls per group without faults; at 30 % throttling about 3 attempts. 6 leaves room for
      // unlucky streaks, far below what retrying every failure at once would cost.
      assertThat((double) attempts / GROUPS).as("EC2 attempts per group").isLessThan(6.0);

      run.assertOneGroupEach(GROUPS);
    }
  }
}
