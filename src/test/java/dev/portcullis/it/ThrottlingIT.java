package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.CloudPort;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.RequestLimits;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.Faults;
import dev.portcullis.cloud.simulator.ThrottlingMode;
import dev.portcullis.cloud.simulator.WorldLoader;
import dev.portcullis.sync.OwnerTags;
import io.fabric8.kubernetes.api.model.Condition;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
      run.awaitReadyGroups(GROUPS, Duration.ofSeconds(180));

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

  /**
   * With creates paced (two a second here), resources wait for their turn to create without holding
   * a reconciler thread, and a group that a created group names goes ahead of the queue: {@code
   * last}, applied after 28 others but named by {@code first}, is created among the first half
   * instead of last. Meanwhile those waiting show Ready=False with reason CreationQueued. Every
   * group is created once and all reach Ready.
   */
  @Test
  void aGroupThatACreatedGroupNamesIsCreatedAheadOfTheQueue() {
    int others = 28;
    List<String> created = new CopyOnWriteArrayList<>();
    try (OperatorRun run =
        new OperatorRun("turns")
            .tuned(
                s ->
                    s.withRequestLimits(
                        RequestLimits.defaults()
                            .with(Ec2Action.CREATE_SECURITY_GROUP, new RequestLimits.Limit(2, 1))))
            .start(sim -> recordingCreates(sim, created))) {
      run.apply(SecurityGroup.class, group("first", "last"));
      for (int i = 0; i < others; i++) {
        run.apply(SecurityGroup.class, group("g" + i, null));
      }
      run.apply(SecurityGroup.class, group("last", null));
      // A resource waiting for its turn says so; it would wait 20 s or more with no status.
      Condition waiting =
          run.awaitCondition(
              SecurityGroup.class, "g" + (others - 1), "Ready", "False", "CreationQueued");
      assertThat(waiting.getMessage()).startsWith("Waiting for a turn to create the EC2 group");
      run.awaitReadyGroups(others + 2, Duration.ofSeconds(90));

      assertThat(created).hasSize(others + 2).doesNotHaveDuplicates();
      assertThat(created.indexOf("last")).as("place of last in %s", created).isLessThan(15);
      run.assertOneGroupEach(others + 2);
    }
  }

  static String group(String name, String references) {
    return "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
        + name
        + "}\nspec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n  ingress:\n"
        + "    - ports: [https]\n      from: [{cidr: 10.0.0.0/16}"
        + (references == null ? "" : ", {securityGroup: " + references + "}")
        + "]\n";
  }

  /** {@code ec2}, noting the resource name of each group it creates, in order. */
  static CloudPort recordingCreates(CloudPort ec2, List<String> created) {
    return (CloudPort)
        Proxy.newProxyInstance(
            CloudPort.class.getClassLoader(),
            new Class<?>[] {CloudPort.class},
            (proxy, method, args) -> {
              Object answer;
              try {
                answer = method.invoke(ec2, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (method.getName().equals("createSecurityGroup")) {
                @SuppressWarnings("unchecked")
                Map<String, String> tags = (Map<String, String>) args[4];
                created.add(tags.get(OwnerTags.NAME));
              }
              return answer;
            });
  }
}
