package dev.portcullis.it;

import static dev.portcullis.it.OperatorRun.BASTION;
import static dev.portcullis.it.OperatorRun.BASTION_ENI;
import static dev.portcullis.it.OperatorRun.DB;
import static dev.portcullis.it.OperatorRun.EU;
import static dev.portcullis.it.OperatorRun.OTHER_VPC_INSTANCE;
import static dev.portcullis.it.OperatorRun.VPC_A;
import static dev.portcullis.it.OperatorRun.WEB;
import static dev.portcullis.it.OperatorRun.WEB_ENI;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.InstanceFilter;
import dev.portcullis.cloud.InstanceInfo;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The SecurityGroupAttachment reconciler against the real API server and the simulator. */
@ExtendWith(DiagnosticsOnFailure.class)
class AttachmentIT {

  static String group(String name) {
    return "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
        + name
        + "}\nspec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n  ingress:\n"
        + "    - ports: [https]\n      from: [{cidr: 10.0.0.0/8}]\n";
  }

  static String attachment(String name, String groups, String instances) {
    return "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\nmetadata: {name: "
        + name
        + "}\nspec:\n  region: eu-west-1\n  securityGroups: "
        + groups
        + "\n  instances: "
        + instances
        + "\n";
  }

  static List<String> groupsOf(OperatorRun run, String instance) {
    InstanceInfo i =
        run.sim.describeAllInstances(EU, new InstanceFilter(List.of(instance), null)).get(0);
    return i.interfaces().get(0).groupIds();
  }

  static String defaultGroup(OperatorRun run) {
    return run.sim
        .describeAllSecurityGroups(EU, new GroupFilter(null, List.of("default"), VPC_A, null))
        .get(0)
        .groupId();
  }

  @Test
  void attachesByIdAndSelectorKeepsOthersGroupsAndDetachesOnDelete() {
    try (OperatorRun run = new OperatorRun("attach").start()) {
      run.apply(SecurityGroup.class, group("web"));
      run.apply(SecurityGroup.class, group("admin"));
      // web-1 carries default and monitoring (put there by others); db carries nothing of ours.
      List<String> before = groupsOf(run, WEB);
      String monitoring =
          run.sim
              .describeAllSecurityGroups(
                  EU, new GroupFilter(null, List.of("monitoring"), VPC_A, null))
              .get(0)
              .groupId();
      assertThat(before).contains(defaultGroup(run), monitoring);

      run.apply(
          SecurityGroupAttachment.class,
          attachment(
              "web-tier", "[web, admin]", "{ids: [" + DB + "], selector: {tags: {role: web}}}"));
      run.awaitCondition(SecurityGroupAttachment.class, "web-tier", "Ready", "True");
      String web = run.groupId("web");
      String admin = run.groupId("admin");
      // others' groups stay, the VPC's default group goes (keepDefaultGroup: false)
      assertThat(groupsOf(run, WEB)).containsExactly(monitoring, web, admin);
      assertThat(groupsOf(run, DB)).containsExactly(web, admin);
      SecurityGroupAttachment a = run.get(SecurityGroupAttachment.class, "web-tier");
      assertThat(a.getStatus().getInstanceCount()).isEqualTo(2);
      assertThat(a.getStatus().getAttachedInstances())
          .extracting(x -> x.getInterfaceId())
          .contains(WEB_ENI);

      // admin leaves the spec: it comes off, web stays
      run.apply(
          SecurityGroupAttachment.class,
          attachment("web-tier", "[web]", "{ids: [" + DB + "], selector: {tags: {role: web}}}"));
      await()
          .atMost(30, SECONDS)
          .pollInterval(200, MILLISECONDS)
          .untilAsserted(() -> assertThat(groupsOf(run, WEB)).containsExactly(monitoring, web));
      assertThat(groupsOf(run, DB)).containsExactly(web);

      // deleting the attachment takes our groups off; an interface left empty gets its default back
      run.delete(SecurityGroupAttachment.class, "web-tier");
      run.awaitGone(SecurityGroupAttachment.class, "web-tier");
      assertThat(groupsOf(run, WEB)).containsExactly(monitoring);
      assertThat(groupsOf(run, DB)).containsExactly(defaultGroup(run));
    }
  }

  @Test
  void waitsForItsGroupsThenRefusesAnotherVpcAndTheQuotaWithoutCrashing() {
    try (OperatorRun run = new OperatorRun("attach-refuse").start()) {
      run.apply(
          SecurityGroupAttachment.class,
          attachment("early", "[later]", "{ids: [" + BASTION + "]}"));
      Condition waiting =
          run.awaitCondition(
              SecurityGroupAttachment.class, "early", "Ready", "False", "GroupNotReady");
      assertThat(waiting.getMessage()).contains("later");
      run.apply(SecurityGroup.class, group("later"));
      run.awaitCondition(SecurityGroupAttachment.class, "early", "Ready", "True");
      assertThat(groupsOf(run, BASTION)).containsExactly(run.groupId("later"));

      // i-0b000001 lives in vpc-0b000002: EC2 would refuse a group of vpc-0a000001 there.
      run.apply(
          SecurityGroupAttachment.class,
          attachment("across", "[later]", "{ids: [" + OTHER_VPC_INSTANCE + "]}"));
      Condition across =
          run.awaitCondition(SecurityGroupAttachment.class, "across", "Ready", "False", "Refused");
      assertThat(across.getMessage())
          .contains(OTHER_VPC_INSTANCE)
          .contains("vpc-0b000002")
          .contains("own VPC");
      run.awaitEvent("across", "Refused");

      // bastion carries 1 group; 5 more would make 6, over the default quota of 5.
      for (String n : List.of("q1", "q2", "q3", "q4", "q5")) {
        run.apply(SecurityGroup.class, group(n));
      }
      run.apply(
          SecurityGroupAttachment.class,
          attachment("crowded", "[q1, q2, q3, q4, q5]", "{ids: [" + BASTION + "]}"));
      Condition crowded =
          run.awaitCondition(SecurityGroupAttachment.class, "crowded", "Ready", "False", "Refused");
      assertThat(crowded.getMessage()).contains(BASTION_ENI).contains("quota of 5");
      assertThat(groupsOf(run, BASTION)).containsExactly(run.groupId("later"));
    }
  }
}
