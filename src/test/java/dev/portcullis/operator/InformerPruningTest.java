package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class InformerPruningTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static SecurityGroup read(String yaml) {
    return JSON.unmarshal(yaml, SecurityGroup.class);
  }

  private static final String GROUP =
      """
      apiVersion: ec2.portcullis.dev/v1alpha1
      kind: SecurityGroup
      metadata:
        name: web
        namespace: shop
        uid: 0d7c3a4e-0000-4000-8000-000000000001
        resourceVersion: "42"
        generation: 3
        annotations:
          kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1"}'
          team: shop
        managedFields:
          - manager: kubectl
            operation: Apply
            fieldsType: FieldsV1
            fieldsV1: {"f:spec": {"f:region": {}}}
      spec:
        region: eu-west-1
        vpcId: vpc-0a000001
        tags: {team: shop}
        ingress:
          - ports: [http, "8080"]
            from: [{cidr: 10.0.0.0/16}, {securityGroup: lb}]
        egress:
          - ports: [https]
            to: [{cidr: 0.0.0.0/0}]
      status:
        groupId: sg-0123456789abcdef0
        observedGeneration: 3
        managedRules: [ingress tcp port 80 from 10.0.0.0/16]
        conditions:
          - type: Ready
            status: "True"
            reason: Ready
            message: EC2 group sg-0123456789abcdef0 matches the spec
            lastTransitionTime: "2030-01-01T00:00:00Z"
      """;

  @Test
  void theCacheKeepsNeitherManagedFieldsNorKubectlsLastAppliedCopy() {
    SecurityGroup sg = PortcullisOperator.pruned(read(GROUP));
    assertThat(sg.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(sg.getMetadata().getAnnotations()).containsOnlyKeys("team");
    assertThat(sg.getMetadata().getResourceVersion()).isEqualTo("42");
  }

  @Test
  void compactionChangesNoValueAndSharesRepeatedStrings() {
    SecurityGroup a = PortcullisOperator.pruned(read(GROUP));
    SecurityGroup b = PortcullisOperator.pruned(read(GROUP));
    SecurityGroup expected = read(GROUP);
    assertThat(a.getSpec()).isEqualTo(expected.getSpec());
    assertThat(a.getStatus()).isEqualTo(expected.getStatus());
    assertThat(a.getSpec().getRegion()).isSameAs(b.getSpec().getRegion());
    assertThat(a.getSpec().getIngress().get(0).getPorts().get(1))
        .isSameAs(b.getSpec().getIngress().get(0).getPorts().get(1));
    assertThat(a.getStatus().getManagedRules().get(0))
        .isSameAs(b.getStatus().getManagedRules().get(0));
    assertThat(a.getStatus().getConditions().get(0).getReason())
        .isSameAs(b.getStatus().getConditions().get(0).getReason());
  }

  @Test
  void aResourceWithoutAnnotationsOrStatusIsLeftAsItIs() {
    SecurityGroup sg =
        read(
            """
            apiVersion: ec2.portcullis.dev/v1alpha1
            kind: SecurityGroup
            metadata: {name: bare, namespace: shop}
            spec: {region: eu-west-1, vpcId: vpc-0a000001}
            """);
    SecurityGroup pruned = PortcullisOperator.pruned(sg);
    assertThat(pruned.getMetadata().getAnnotations()).isNullOrEmpty();
    assertThat(pruned.getStatus()).isNull();
    assertThat(pruned.getSpec().getRegion()).isEqualTo("eu-west-1");
  }
}
