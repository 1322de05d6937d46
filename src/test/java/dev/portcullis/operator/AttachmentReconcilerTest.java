package dev.portcullis.operator;

import static dev.portcullis.operator.ReconcilerWorld.condition;
import static dev.portcullis.operator.ReconcilerWorld.resource;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.AttachedInstance;
import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachmentStatus;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.Ec2Action;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The attachment reconciler's branches, on the simulator, without an API server. */
class AttachmentReconcilerTest {
  final ReconcilerWorld world = new ReconcilerWorld();
  final AttachmentReconciler reconciler = new AttachmentReconciler(world.op);

  static SecurityGroupAttachment attachment(String groups, String instances) {
    return resource(
        SecurityGroupAttachment.class,
        "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\n"
            + "metadata: {name: web}\n"
            + "spec: {region: eu-west-1, securityGroups: "
            + groups
            + ", instances: "
            + instances
            + "}\n");
  }

  /** Reconciles as JOSDK does: the status returned is what the next reconciliation reads. */
  SecurityGroupAttachmentStatus reconcile(SecurityGroupAttachment a) {
    UpdateControl<SecurityGroupAttachment> control = reconciler.reconcile(a, null);
    return control.isPatchStatus()
        ? control.getResource().orElseThrow().getStatus()
        : a.getStatus();
  }

  static Condition ready(SecurityGroupAttachmentStatus s) {
    return condition(s.getConditions(), ConditionTypes.READY);
  }

  long modifies() {
    return world.sim.calls().total(Ec2Action.MODIFY_NETWORK_INTERFACE_ATTRIBUTE);
  }

  @Test
  void moreGroupsThanAnInterfaceMayCarryChangesNothing() {
    SecurityGroupAttachment a = attachment("[a, b, c]", "{ids: [i-0a000002]}");
    a.getSpec().setSecurityGroupIds(List.of("sg-1", "sg-2", "sg-3"));
    SecurityGroupAttachmentStatus s = reconcile(a);
    assertThat(ready(s).getReason()).isEqualTo("TooManyGroups");
    assertThat(ready(s).getMessage()).endsWith("; nothing was changed");
    assertThat(modifies()).isZero();
    assertThat(world.eventLines()).containsExactly("Warning TooManyGroups");
  }

  @Test
  void waitsUntilEveryGroupHasItsEc2Group() {
    world.securityGroup("web", false);
    SecurityGroupAttachmentStatus s =
        reconcile(attachment("[web, missing]", "{selector: {tags: {role: web}}}"));
    assertThat(ready(s).getStatus()).isEqualTo("False");
    assertThat(ready(s).getReason()).isEqualTo("GroupNotReady");
    assertThat(ready(s).getMessage())
        .isEqualTo(
            "Waiting for SecurityGroup web (its EC2 group does not exist yet), missing (no such"
                + " SecurityGroup in namespace shop); nothing is attached until every group exists");
    assertThat(modifies()).isZero();
  }

  @Test
  void attachesOnceThenHasNothingToWrite() {
    String web = world.ec2Group(world.securityGroup("web", false)).groupId();
    SecurityGroupAttachment a = attachment("[web]", "{selector: {tags: {role: web}}}");
    SecurityGroupAttachmentStatus s = reconcile(a);
    assertThat(ready(s).getReason()).isEqualTo("Attached");
    assertThat(s.getInstanceCount()).isEqualTo(1);
    assertThat(s.getGroupIds()).containsExactly(web);
    assertThat(world.groupsOn("i-0a000002")).contains(web);
    assertThat(world.eventLines()).containsExactly("Normal Attached");

    a.setStatus(s);
    long calls = modifies();
    assertThat(reconciler.reconcile(a, null).isPatchStatus()).isFalse();
    assertThat(modifies()).isEqualTo(calls);
    assertThat(world.events).hasSize(1);
  }

  @Test
  void anInstanceIdThatDoesNotExistIsNamedWhileTheOthersAreAttached() {
    String web = world.ec2Group(world.securityGroup("web", false)).groupId();
    SecurityGroupAttachmentStatus s =
        reconcile(attachment("[web]", "{ids: [i-0a000003, i-0fffffff]}"));
    assertThat(ready(s).getReason()).isEqualTo("Refused");
    assertThat(ready(s).getMessage()).isEqualTo("there is no instance i-0fffffff in eu-west-1");
    assertThat(s.getAttachedInstances())
        .extracting(AttachedInstance::getInstanceId)
        .containsExactly("i-0a000003");
    assertThat(world.groupsOn("i-0a000003")).containsExactly(web);
  }

  @Test
  void anInstanceNoLongerSelectedLosesTheGroupsAndADeletedAttachmentAllOfThem() {
    String web = world.ec2Group(world.securityGroup("web", false)).groupId();
    SecurityGroupAttachment a = attachment("[web]", "{ids: [i-0a000002, i-0a000003]}");
    a.setStatus(reconcile(a));
    assertThat(world.groupsOn("i-0a000003")).containsExactly(web);

    a.getSpec().getInstances().setIds(List.of("i-0a000002"));
    a.setStatus(reconcile(a));
    assertThat(world.groupsOn("i-0a000003"))
        .as("nothing of ours is left: the VPC's default group goes back on")
        .hasSize(1)
        .doesNotContain(web);
    assertThat(world.groupsOn("i-0a000002")).contains(web);

    assertThat(reconciler.cleanup(a, null).isRemoveFinalizer()).isTrue();
    assertThat(world.groupsOn("i-0a000002")).doesNotContain(web);
  }

  @Test
  void aThrottledAttemptSaysSoInSyncedAndKeepsReady() {
    world.ec2Group(world.securityGroup("web", false));
    SecurityGroupAttachment a = attachment("[web]", "{selector: {tags: {role: web}}}");
    a.setStatus(reconcile(a));
    var control =
        reconciler.updateErrorStatus(
            a,
            null,
            new CloudException(
                "RequestLimitExceeded", CloudException.Kind.THROTTLED, "Request limit exceeded."));
    SecurityGroupAttachmentStatus s = control.getResource().orElseThrow().getStatus();
    assertThat(condition(s.getConditions(), ConditionTypes.SYNCED).getReason())
        .isEqualTo("Throttled");
    assertThat(ready(s).getReason()).isEqualTo("Attached");
  }
}
