package dev.portcullis.operator;

import static dev.portcullis.operator.ReconcilerWorld.EU;
import static dev.portcullis.operator.ReconcilerWorld.condition;
import static dev.portcullis.operator.ReconcilerWorld.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.Ec2Action;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Cidr4;
import dev.portcullis.engine.Direction;
import dev.portcullis.engine.Protocol;
import dev.portcullis.engine.Rule;
import dev.portcullis.sync.OwnerTags;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SecurityGroup reconciler's branches, on the simulator, without an API server. */
class SecurityGroupReconcilerTest {
  final ReconcilerWorld world = new ReconcilerWorld();
  final SecurityGroupReconciler reconciler = new SecurityGroupReconciler(world.op);

  SecurityGroup group(String name, String spec) {
    return world.groups.put(
        resource(
            SecurityGroup.class,
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\n"
                + "metadata: {name: "
                + name
                + "}\nspec: "
                + spec
                + "\n"));
  }

  SecurityGroupStatus reconcile(SecurityGroup sg) {
    return world.reconcile(reconciler, sg);
  }

  /** A group whose rule names SecurityGroup app. */
  SecurityGroup dbNamingApp() {
    return group(
        "db",
        "{region: eu-west-1, vpcId: vpc-0a000001, ingress: [{ports: [5432], from: [{securityGroup:"
            + " app}]}]}");
  }

  static Condition ready(SecurityGroupStatus s) {
    return condition(s.getConditions(), ConditionTypes.READY);
  }

  long creates() {
    return world.sim.calls().total(Ec2Action.CREATE_SECURITY_GROUP);
  }

  SecurityGroupInfo inEc2(String groupId) {
    return world.sim.describeAllSecurityGroups(EU, GroupFilter.ids(groupId)).get(0);
  }

  static final String WEB =
      "{region: eu-west-1, vpcId: vpc-0a000001, ingress: [{ports: [https], from: [{cidr:"
          + " 0.0.0.0/0}]}]";

  @Test
  void aSpecEc2WouldRefuseIsRefusedBeforeAnythingIsSent() {
    SecurityGroupStatus s =
        reconcile(group("web", "{region: eu-west-1, vpcId: vpc-0a000001, groupName: sg-web}"));
    assertThat(ready(s).getReason()).isEqualTo("InvalidSpec");
    assertThat(ready(s).getMessage())
        .contains("spec.groupName")
        .endsWith("nothing was sent to EC2");
    assertThat(condition(s.getConditions(), ConditionTypes.SYNCED).getStatus()).isEqualTo("False");
    assertThat(creates()).isZero();
    assertThat(world.eventLines()).containsExactly("Warning InvalidSpec");
  }

  @Test
  void aReferenceToAnotherRegionIsRefusedInTheWordsTheOfflineCommandUses() {
    group("app", "{region: us-east-1, vpcId: vpc-0e000001}");
    SecurityGroupStatus s = reconcile(dbNamingApp());
    assertThat(ready(s).getReason()).isEqualTo("InvalidSpec");
    assertThat(ready(s).getMessage())
        .startsWith(
            "SecurityGroup app is in region us-east-1 but this group is in eu-west-1; a group"
                + " reference never matches across regions");
    assertThat(creates()).isZero();
  }

  @Test
  void createsTheGroupThenHasNothingToWrite() {
    SecurityGroup sg = group("web", WEB + "}");
    SecurityGroupStatus s = reconcile(sg);
    assertThat(ready(s).getReason()).isEqualTo("Ready");
    assertThat(s.getObservedGeneration()).isEqualTo(1L);
    assertThat(s.getIngressRules()).isEqualTo(1);
    assertThat(s.getEgressRules()).as("the default egress rule stays").isEqualTo(1);
    assertThat(inEc2(s.getGroupId()).tags())
        .containsAllEntriesOf(new OwnerTags("shop", "web", sg.getMetadata().getUid()).asTags());
    assertThat(world.eventLines()).containsExactly("Normal Created");

    assertThat(reconciler.reconcile(sg, new CacheOnlyContext<>(sg, world.groups)).isPatchStatus())
        .isFalse();
    assertThat(creates()).isEqualTo(1);
  }

  @Test
  void aReferenceToAGroupNotCreatedYetWaitsAndSaysSo() {
    group("app", "{region: eu-west-1, vpcId: vpc-0a000001}");
    SecurityGroupStatus s = reconcile(dbNamingApp());
    assertThat(ready(s).getReason()).isEqualTo("ReferenceNotFound");
    assertThat(ready(s).getMessage())
        .isEqualTo(
            "Waiting for SecurityGroup app (its EC2 group does not exist yet); rules are applied"
                + " once every referenced group exists");
    assertThat(s.getGroupId()).as("its own group is created early").isNotNull();
  }

  @Test
  void driftIsReportedUnderReportAndLeftAsItIs() {
    SecurityGroup sg = group("web", WEB + ", driftPolicy: Report}");
    String id = reconcile(sg).getGroupId();
    world.removeIngressOutOfBand(id);

    SecurityGroupStatus s = reconcile(sg);
    assertThat(ready(s).getReason()).isEqualTo("DriftDetected");
    assertThat(s.getDrift().getMissing()).isEqualTo(1);
    assertThat(s.getDrift().getRules())
        .containsExactly("missing: ingress tcp port 443 from 0.0.0.0/0");
    assertThat(condition(s.getConditions(), ConditionTypes.DRIFTED).getStatus()).isEqualTo("True");
    assertThat(inEc2(id).rules()).noneMatch(r -> r.rule().direction() == Direction.INGRESS);
    assertThat(world.eventLines()).contains("Warning DriftDetected");
  }

  /** A copy of the resource as it is now: what the informer's cache holds until a watch event. */
  static SecurityGroup copy(SecurityGroup sg) {
    return new io.fabric8.kubernetes.client.utils.KubernetesSerialization().clone(sg);
  }

  String scrape(String meter) {
    return world.meters.scrape().lines().filter(l -> l.startsWith(meter)).toList().toString();
  }

  /**
   * JOSDK does not put a status patch's answer into its cache: a reconciliation that runs before
   * the watch event of the write (an event that came while the first ran, such as the drift scan's
   * wake) reads the status from before it. The drift it reports is not news a second time.
   */
  @Test
  void reportedDriftIsCountedOnceWhenTheNextReconciliationReadsTheStatusFromBeforeTheWrite() {
    SecurityGroup sg = group("web", WEB + ", driftPolicy: Report}");
    String id = reconcile(sg).getGroupId();
    world.removeIngressOutOfBand(id);
    SecurityGroup stale = copy(sg);

    assertThat(reconcile(sg).getDrift().getMissing()).isEqualTo(1);
    assertThat(reconcile(stale).getDrift().getMissing()).isEqualTo(1);

    assertThat(scrape("portcullis_drift_found_total"))
        .isEqualTo("[portcullis_drift_found_total{outcome=\"reported\",policy=\"Report\"} 1.0]");
    assertThat(world.events)
        .filteredOn(e -> e.getMessage().startsWith("missing: "))
        .as("the event that says what differs")
        .hasSize(1);
  }

  /** A group deleted outside Portcullis, reported the same way: counted once. */
  @Test
  void aDeletedGroupReportedIsCountedOnceWhenTheNextReconciliationReadsTheStatusFromBeforeIt() {
    SecurityGroup sg = group("web", WEB + ", driftPolicy: Report}");
    String id = reconcile(sg).getGroupId();
    world.sim.deleteSecurityGroup(EU, id);
    world.op.inventory().expire(EU);
    SecurityGroup stale = copy(sg);

    assertThat(ready(reconcile(sg)).getReason()).isEqualTo("GroupDeleted");
    assertThat(ready(reconcile(stale)).getReason()).isEqualTo("GroupDeleted");

    assertThat(scrape("portcullis_drift_found_total"))
        .isEqualTo(
            "[portcullis_drift_found_total{outcome=\"group_deleted\",policy=\"Report\"} 1.0]");
  }

  /**
   * Drift that went and came back is counted again, even when the reconciliation that sees it come
   * back reads a status from before the one that said it went.
   */
  @Test
  void driftThatWentAndCameBackIsCountedAgainWhateverStatusTheReconciliationReads() {
    SecurityGroup sg = group("web", WEB + ", driftPolicy: Report}");
    String id = reconcile(sg).getGroupId();
    SecurityGroupInfo before = inEc2(id);
    world.removeIngressOutOfBand(id);
    reconcile(sg);
    SecurityGroup reported = copy(sg);
    world.sim.authorize(
        EU,
        id,
        Direction.INGRESS,
        before.rules().stream()
            .map(r -> r.rule())
            .filter(r -> r.direction() == Direction.INGRESS)
            .toList());
    world.op.inventory().expire(EU);
    assertThat(reconcile(sg).getDrift()).isNull();
    world.removeIngressOutOfBand(id);

    assertThat(reconcile(reported).getDrift().getMissing()).isEqualTo(1);

    assertThat(scrape("portcullis_drift_found_total"))
        .isEqualTo("[portcullis_drift_found_total{outcome=\"reported\",policy=\"Report\"} 2.0]");
  }

  /** A restarted operator reads the drift its status reports as reported already. */
  @Test
  void driftTheStatusReportsIsNotCountedAgainAfterARestart() {
    SecurityGroup sg = group("web", WEB + ", driftPolicy: Report}");
    String id = reconcile(sg).getGroupId();
    world.removeIngressOutOfBand(id);
    reconcile(sg);

    ReconcilerWorld restarted = new ReconcilerWorld(world.sim);
    restarted.groups.put(sg);
    SecurityGroupReconciler again = new SecurityGroupReconciler(restarted.op);
    assertThat(restarted.reconcile(again, sg).getDrift()).isNotNull();
    assertThat(restarted.meters.scrape()).doesNotContain("portcullis_drift_found_total{");
  }

  @Test
  void driftIsCorrectedByDefault() {
    SecurityGroup sg = group("web", WEB + "}");
    String id = reconcile(sg).getGroupId();
    world.removeIngressOutOfBand(id);

    SecurityGroupStatus s = reconcile(sg);
    assertThat(ready(s).getReason()).isEqualTo("Ready");
    assertThat(s.getDrift()).isNull();
    assertThat(condition(s.getConditions(), ConditionTypes.DRIFTED).getReason())
        .isEqualTo("Corrected");
    assertThat(inEc2(id).rules()).anyMatch(r -> r.rule().direction() == Direction.INGRESS);
    assertThat(world.eventLines()).containsExactly("Normal Created", "Warning DriftCorrected");
  }

  @Test
  void aRetainedGroupStaysInEc2WithoutOurTags() {
    SecurityGroup sg = group("web", WEB + ", deletionPolicy: Retain}");
    String id = reconcile(sg).getGroupId();
    assertThat(reconciler.cleanup(sg, new CacheOnlyContext<>(sg, world.groups)).isRemoveFinalizer())
        .isTrue();
    assertThat(inEc2(id).tags()).doesNotContainKeys(OwnerTags.keys().toArray(String[]::new));
    assertThat(world.eventLines()).containsExactly("Normal Created", "Normal Retained");
  }

  @Test
  void aDeletedResourceDeletesItsGroup() {
    SecurityGroup sg = group("web", WEB + "}");
    String id = reconcile(sg).getGroupId();
    assertThat(reconciler.cleanup(sg, new CacheOnlyContext<>(sg, world.groups)).isRemoveFinalizer())
        .isTrue();
    assertThatThrownBy(() -> inEc2(id))
        .isInstanceOfSatisfying(
            CloudException.class, e -> assertThat(e.code()).isEqualTo("InvalidGroup.NotFound"));
  }

  @Test
  void aGroupInUseIsNotDeletedAndTheInterfaceIsNamed() {
    SecurityGroup sg = group("web", WEB + "}");
    String id = reconcile(sg).getGroupId();
    world.sim.setInstanceGroups(EU, "i-0a000003", List.of(id));
    var control = reconciler.cleanup(sg, new CacheOnlyContext<>(sg, world.groups));
    assertThat(control.isRemoveFinalizer()).isFalse();
    assertThat(world.eventLines()).contains("Warning DeletionBlocked");
    assertThat(world.events.get(world.events.size() - 1).getMessage()).contains("i-0a000003");
    assertThat(world.statuses)
        .singleElement()
        .satisfies(w -> assertThat(ready(w.getStatus()).getReason()).isEqualTo("DeletionBlocked"));
    // tried again while the instance still holds it, with the status written: said once
    sg.setStatus(world.statuses.get(0).getStatus());
    reconciler.cleanup(sg, new CacheOnlyContext<>(sg, world.groups));
    assertThat(world.statuses).hasSize(1);
    assertThat(world.eventLines()).containsOnlyOnce("Warning DeletionBlocked");
  }

  @Test
  void hostBitsInACidrAreSaidInStatusAndOnceAsAnEventWithoutMakingTheGroupUnready() {
    SecurityGroup sg =
        group(
            "wide",
            "{region: eu-west-1, vpcId: vpc-0a000001, ingress: [{ports: [ssh], from: [{cidr:"
                + " 10.0.0.5/8}]}]}");
    SecurityGroupStatus s = reconcile(sg);
    assertThat(ready(s).getReason()).isEqualTo("Ready");
    assertThat(s.getWarnings())
        .containsExactly(
            "spec.ingress[0].from[0].cidr: \"10.0.0.5/8\" has host bits set; it means 10.0.0.0/8,"
                + " which is what EC2 will hold");
    assertThat(inEc2(s.getGroupId()).rules())
        .anyMatch(r -> r.rule().display().contains("from 10.0.0.0/8"));
    assertThat(world.eventLines()).containsExactly("Warning SpecWarning", "Normal Created");

    reconcile(sg);
    assertThat(world.eventLines()).containsOnlyOnce("Warning SpecWarning");

    sg.getSpec().getIngress().get(0).getFrom().get(0).setCidr("10.0.0.0/8");
    sg.getMetadata().setGeneration(2L);
    assertThat(reconcile(sg).getWarnings()).isNull();
  }

  @Test
  void aRuleAddedOutsideWhileTheViewOfEc2IsOldIsReadAgainNotReportedAsADuplicate() {
    SecurityGroup sg = group("web", WEB + "}");
    String id = reconcile(sg).getGroupId();
    // added outside while the operator's view of EC2 is still the one it wrote: its authorize
    // meets the rule, and the group is read again (as after an authorize whose answer was lost)
    world.sim.authorize(
        EU,
        id,
        Direction.INGRESS,
        List.of(new Rule(Direction.INGRESS, Protocol.TCP, 22, 22, Cidr4.ANY, "by hand")));
    sg.getSpec().getIngress().get(0).setPorts(List.of("https", "ssh"));
    sg.getMetadata().setGeneration(2L);
    SecurityGroupStatus s = reconcile(sg);
    assertThat(ready(s).getReason()).isEqualTo("Ready");
    assertThat(
            world.sim.calls().count("AuthorizeSecurityGroupIngress", "InvalidPermission.Duplicate"))
        .isEqualTo(1);
    assertThat(
            inEc2(id).rules().stream()
                .map(r -> r.rule().display())
                .filter(r -> r.contains("port 22"))
                .toList())
        .as("the rule as the spec has it, its description too")
        .containsExactly("ingress tcp port 22 from 0.0.0.0/0");
  }

  @Test
  void lastSyncTimeMovesOncePerResyncAndNotInBetween() {
    SecurityGroup sg = group("web", WEB + "}");
    assertThat(reconcile(sg).getLastSyncTime()).isEqualTo("2026-01-01T00:00:00Z");
    Context<SecurityGroup> ctx = new CacheOnlyContext<>(sg, world.groups);

    world.clock.advance(Duration.ofMinutes(1)); // woken by a dependency: nothing to write
    assertThat(reconciler.reconcile(sg, ctx).isPatchStatus()).isFalse();

    world.clock.advance(Duration.ofMinutes(4)); // the next resync, 5 minutes on
    UpdateControl<SecurityGroup> resync = reconciler.reconcile(sg, ctx);
    assertThat(resync.isPatchStatus()).isTrue();
    SecurityGroupStatus s = resync.getResource().orElseThrow().getStatus();
    assertThat(s.getLastSyncTime()).isEqualTo("2026-01-01T00:05:00Z");
    assertThat(ready(s).getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
  }
}
