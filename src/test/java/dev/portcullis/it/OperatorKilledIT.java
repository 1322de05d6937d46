package dev.portcullis.it;

import static dev.portcullis.it.OperatorRun.EU;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.CallCounters;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.Faults;
import dev.portcullis.cloud.simulator.endpoint.Ec2Endpoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's pod deleted while SecurityGroups are being deleted: the operator, a process of its
 * own on its AWS path, is killed with SIGKILL in the middle of deleting 30 groups, nine of which
 * attachments still hold (their deletion waits, finalizer in place). The attachments are deleted
 * while no operator runs. A new operator process finishes every deletion: no resource and no
 * finalizer left, no EC2 group of the namespace left, and the instances' interfaces back to their
 * VPC's default group. EC2 answers each request after 300 ms, so that the kill meets deletions
 * under way.
 */
@ExtendWith(DiagnosticsOnFailure.class)
class OperatorKilledIT {
  static final int GROUPS = 30;
  static final List<String> INSTANCES =
      List.of(OperatorRun.BASTION, OperatorRun.WEB, OperatorRun.DB);

  @TempDir Path dir;

  @Test
  void aNewOperatorFinishesTheDeletionsAKilledOneLeftHalfDone() throws Exception {
    Ec2Simulator sim =
        OperatorRun.demoSimulator(Faults.none().withLatency(Duration.ofMillis(300)), 29);
    OperatorRun run = new OperatorRun("killed", sim);
    // What each interface must carry in the end: what it had, less the VPC's default group that
    // the attachment took off, which comes back only to an interface left with no group.
    String defaultGroup =
        sim.describeAllSecurityGroups(
                EU, new GroupFilter(null, List.of("default"), OperatorRun.VPC_A, null))
            .get(0)
            .groupId();
    List<Set<String>> expected = new ArrayList<>();
    for (String i : INSTANCES) {
      Set<String> had = interfaceGroups(sim, i);
      Set<String> kept = new TreeSet<>(had);
      kept.remove(defaultGroup);
      expected.add(kept.isEmpty() ? had : kept);
    }
    try (Ec2Endpoint endpoint = Ec2OutageIT.serve(sim, 0)) {
      OperatorProcess first =
          OperatorProcess.start(run.cluster, dir, "first", run.ns, endpoint.uri());
      try {
        GroupEstate estate = new GroupEstate(run);
        estate.applyAll(GROUPS);
        for (int a = 0; a < INSTANCES.size(); a++) {
          run.apply(
              SecurityGroupAttachment.class,
              "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\n"
                  + "metadata: {name: a"
                  + a
                  + "}\nspec:\n  region: eu-west-1\n  securityGroups: [g"
                  + (3 * a)
                  + ", g"
                  + (3 * a + 1)
                  + ", g"
                  + (3 * a + 2)
                  + "]\n  instances: {ids: ["
                  + INSTANCES.get(a)
                  + "]}\n");
        }
        estate.assertConverged(Duration.ofMinutes(2));
        for (int a = 0; a < INSTANCES.size(); a++) {
          run.awaitCondition(SecurityGroupAttachment.class, "a" + a, "Ready", "True");
        }

        long deletedBefore = deletes(sim);
        for (int i = 0; i < GROUPS; i++) {
          run.delete(SecurityGroup.class, GroupEstate.name(i));
        }
        await("deletions under way")
            .atMost(30, SECONDS)
            .pollInterval(20, MILLISECONDS)
            .until(() -> deletes(sim) - deletedBefore >= 5);
        first.kill();
      } finally {
        first.close();
      }
      long deletedByFirst = deletes(sim);
      List<SecurityGroup> left = groups(run);
      System.out.printf(
          "operator-killed: killed after %d EC2 deletions; %d SecurityGroups left with their"
              + " finalizers%n",
          deletedByFirst, left.size());
      assertThat(left).as("SecurityGroups waiting for their finalizer").hasSizeGreaterThan(8);
      assertThat(left)
          .allSatisfy(
              sg -> {
                assertThat(sg.getMetadata().getDeletionTimestamp()).isNotNull();
                assertThat(sg.getMetadata().getFinalizers()).isNotEmpty();
              });

      // While no operator runs, the attachments that hold nine of the groups go too.
      for (int a = 0; a < INSTANCES.size(); a++) {
        run.delete(SecurityGroupAttachment.class, "a" + a);
      }
      try (OperatorProcess second =
          OperatorProcess.start(run.cluster, dir, "second", run.ns, endpoint.uri())) {
        await("every SecurityGroup and attachment gone")
            .atMost(Duration.ofMinutes(2))
            .pollInterval(250, MILLISECONDS)
            .until(
                () ->
                    groups(run).isEmpty()
                        && run.client
                            .resources(SecurityGroupAttachment.class)
                            .inNamespace(run.ns)
                            .list()
                            .getItems()
                            .isEmpty());
        assertThat(second.alive()).as(second.output()).isTrue();
      }
      assertThat(run.managedGroups()).as("groups tagged for the namespace").isEmpty();
      assertThat(sim.describeAllSecurityGroups(EU, GroupFilter.all()))
          .extracting(SecurityGroupInfo::groupName)
          .as("groups named after the namespace (orphans)")
          .noneMatch(n -> n.contains(run.ns));
      for (int a = 0; a < INSTANCES.size(); a++) {
        assertThat(interfaceGroups(sim, INSTANCES.get(a)))
            .as("the groups of %s", INSTANCES.get(a))
            .isEqualTo(expected.get(a));
      }
      assertThat(deletes(sim)).as("EC2 groups deleted").isGreaterThanOrEqualTo(GROUPS);
    }
  }

  private static long deletes(Ec2Simulator sim) {
    return sim.calls().count(Ec2Action.DELETE_SECURITY_GROUP, CallCounters.SUCCESS);
  }

  private static List<SecurityGroup> groups(OperatorRun run) {
    return run.client.resources(SecurityGroup.class).inNamespace(run.ns).list().getItems();
  }

  private static Set<String> interfaceGroups(Ec2Simulator sim, String instance) {
    InstanceInfo i =
        sim.describeAllInstances(EU, new InstanceFilter(List.of(instance), null)).get(0);
    return i.interfaces().get(0).groupIds().stream()
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }
}
