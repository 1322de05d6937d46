package dev.portcullis.operator;

import static dev.portcullis.operator.ReconcilerWorld.condition;
import static dev.portcullis.operator.ReconcilerWorld.resource;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.api.v1alpha1.ConditionTypes;
import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.api.v1alpha1.SecurityGroupStatus;
import dev.portcullis.cloud.Ec2Action;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A shard: which resources it holds, and what its reconcilers say of a name that belongs to another
 * shard (on the simulator, without an API server; ShardsIT runs two shards on one).
 */
class ShardTest {
  /** The SecurityGroups the API server holds beyond the operator's cache, by name. */
  final Map<String, SecurityGroup> elsewhere = new HashMap<>();

  final ReconcilerWorld world =
      new ReconcilerWorld(
          Shard.of("a")
              .readingWith(
                  (ns, name) ->
                      Optional.ofNullable(
                          ReconcilerWorld.NS.equals(ns) ? elsewhere.get(name) : null)));

  static SecurityGroup labelled(String name, String shard) {
    SecurityGroup sg =
        resource(
            SecurityGroup.class,
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
                + name
                + "}\nspec: {region: eu-west-1, vpcId: vpc-0a000001}\n");
    if (shard != null) {
      sg.getMetadata().setLabels(Map.of(Shard.LABEL, shard));
    }
    return sg;
  }

  /** SecurityGroup db of this shard's cache, whose rule names SecurityGroup app. */
  SecurityGroup dbNamingApp() {
    return world.groups.put(
        resource(
            SecurityGroup.class,
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: db}\n"
                + "spec: {region: eu-west-1, vpcId: vpc-0a000001, ingress: [{ports: [5432], from:"
                + " [{securityGroup: app}]}]}\n"));
  }

  @Test
  void aShardIsALabelValueAndSelectsByIt() {
    assertThat(Shard.of(null)).isSameAs(Shard.ALL);
    assertThat(Shard.of(" ")).isSameAs(Shard.ALL);
    assertThat(Shard.ALL.labelSelector()).isNull();
    assertThat(Shard.of("eu-1").labelSelector()).isEqualTo("portcullis.dev/shard=eu-1");
    assertThat(Shard.of("a").contains(labelled("x", "a"))).isTrue();
    assertThat(Shard.of("a").contains(labelled("x", "b"))).isFalse();
    assertThat(Shard.of("a").contains(labelled("x", null))).isFalse();
    assertThat(Shard.ALL.contains(labelled("x", "b"))).isTrue();
    for (String bad : new String[] {"-a", "a b", "a/b", "x".repeat(64), "a-"}) {
      assertThatThrownBy(() -> Shard.of(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a label value");
    }
    assertThat(Shard.of("A_1.b").value()).isEqualTo("A_1.b");
  }

  @Test
  void aRuleNamingAGroupOfAnotherShardIsRefusedBeforeEc2() {
    elsewhere.put("app", labelled("app", "b"));
    SecurityGroup db = dbNamingApp();
    SecurityGroupStatus s = world.reconcile(new SecurityGroupReconciler(world.op), db);
    Condition ready = condition(s.getConditions(), ConditionTypes.READY);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("ReferenceOutsideShard");
    assertThat(ready.getMessage())
        .isEqualTo(
            "SecurityGroup app is in shard portcullis.dev/shard=b, and this operator serves"
                + " portcullis.dev/shard=a: a SecurityGroup may only name SecurityGroups of its own"
                + " shard, as no one operator sees both; label them alike; nothing was sent to"
                + " EC2");
    assertThat(world.sim.calls().total(Ec2Action.CREATE_SECURITY_GROUP)).isZero();
    assertThat(world.eventLines()).containsExactly("Warning ReferenceOutsideShard");
  }

  @Test
  void aNameThatExistsNowhereStillWaits() {
    SecurityGroup db = dbNamingApp();
    SecurityGroupStatus s = world.reconcile(new SecurityGroupReconciler(world.op), db);
    assertThat(condition(s.getConditions(), ConditionTypes.READY).getReason())
        .isEqualTo("ReferenceNotFound");
  }

  @Test
  void anAttachmentOfAGroupWithoutAShardChangesNothing() {
    elsewhere.put("web", labelled("web", null));
    SecurityGroupAttachment a =
        resource(
            SecurityGroupAttachment.class,
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroupAttachment\n"
                + "metadata: {name: web}\n"
                + "spec: {region: eu-west-1, securityGroups: [web], instances: {ids:"
                + " [i-0a000002]}}\n");
    var control = new AttachmentReconciler(world.op).reconcile(a, null);
    Condition ready =
        condition(control.getResource().orElseThrow().getStatus().getConditions(), "Ready");
    assertThat(ready.getReason()).isEqualTo("GroupOutsideShard");
    assertThat(ready.getMessage())
        .startsWith("SecurityGroup web has no portcullis.dev/shard label, and this operator serves")
        .contains("a SecurityGroupAttachment may only name")
        .endsWith("; nothing was changed");
    assertThat(world.sim.calls().total(Ec2Action.MODIFY_NETWORK_INTERFACE_ATTRIBUTE)).isZero();
  }

  @Test
  void aCheckFromAGroupOfAnotherShardIsNotEvaluated() {
    elsewhere.put("app", labelled("app", "b"));
    ReachabilityCheck c =
        resource(
            ReachabilityCheck.class,
            "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: ReachabilityCheck\n"
                + "metadata: {name: probe}\n"
                + "spec: {region: eu-west-1, from: {securityGroup: app}, to: {instanceId:"
                + " i-0a000003}, port: 5432}\n");
    var control = new ReachabilityCheckReconciler(world.op).reconcile(c, null);
    Condition evaluated =
        condition(
            control.getResource().orElseThrow().getStatus().getConditions(),
            ConditionTypes.EVALUATED);
    assertThat(evaluated.getStatus()).isEqualTo("False");
    assertThat(evaluated.getReason()).isEqualTo("GroupOutsideShard");
    assertThat(evaluated.getMessage()).contains("a ReachabilityCheck may only name");
  }
}
