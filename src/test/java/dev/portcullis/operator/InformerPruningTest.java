package dev.portcullis.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.api.v1alpha1.AbstractRule;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.sync.Canon;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
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
    assertThat(a.getStatus()).usingRecursiveComparison().isEqualTo(expected.getStatus());
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

  @Test
  void theResourcesIdentityIsSharedWithOtherCopiesOfIt() {
    SecurityGroup a = PortcullisOperator.pruned(read(GROUP));
    SecurityGroup b = PortcullisOperator.pruned(read(GROUP));
    assertThat(a.getMetadata().getName()).isEqualTo("web").isSameAs(b.getMetadata().getName());
    assertThat(a.getMetadata().getNamespace()).isSameAs(b.getMetadata().getNamespace());
    assertThat(a.getMetadata().getUid())
        .isEqualTo("0d7c3a4e-0000-4000-8000-000000000001")
        .isSameAs(b.getMetadata().getUid());
    assertThat(a.getMetadata().getFinalizers()).isEmpty();
    assertThat(a.getMetadata().getFinalizers()).isSameAs(b.getMetadata().getFinalizers());
  }

  @Test
  void emptyMapsAreSharedAndStillEqualToFabric8sOwn() {
    SecurityGroup a = PortcullisOperator.pruned(read(GROUP));
    SecurityGroup b = PortcullisOperator.pruned(read(GROUP));
    SecurityGroup fresh = read(GROUP);
    assertThat(a.getMetadata().getLabels()).isEmpty();
    assertThat(a.getMetadata().getLabels()).isSameAs(b.getMetadata().getLabels());
    assertThat(a.getMetadata().getAdditionalProperties())
        .isSameAs(b.getMetadata().getAdditionalProperties());
    assertThat(a.getStatus().getConditions().get(0).getAdditionalProperties())
        .isSameAs(b.getStatus().getConditions().get(0).getAdditionalProperties());
    // the reconciler compares statuses (and so conditions) to decide whether to patch
    assertThat(a.getStatus().getConditions()).isEqualTo(fresh.getStatus().getConditions());
    assertThat(a.getSpec().getTags()).isEqualTo(Map.of("team", "shop"));
  }

  @Test
  void theItemStoreKeepsTheCompactedResourceUnderOneSharedKey() {
    CompactItemStore<SecurityGroup> store =
        new CompactItemStore<SecurityGroup>(
            PortcullisOperator::pruned, PortcullisOperator::sharedRules);
    SecurityGroup first = read(GROUP);
    String key = store.getKey(first);
    assertThat(key).isEqualTo("shop/web").isSameAs(store.getKey(read(GROUP)));
    store.put(key, first);
    SecurityGroup other = PortcullisOperator.pruned(read(GROUP));
    SecurityGroup cached = store.get("shop/web");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    // JOSDK's TransformingItemStore would put back the namespace string the resource came with
    assertThat(cached.getMetadata().getNamespace()).isSameAs(other.getMetadata().getNamespace());
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("42");
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.remove(key)).isSameAs(cached);
    assertThat(store.get(key)).isNull();
  }

  @Test
  void theClonerCopiesDeeply() {
    SecurityGroup cached = PortcullisOperator.pruned(read(GROUP));
    SecurityGroup copy = new TreeCloner(JSON).clone(cached);
    assertThat(copy).isNotSameAs(cached);
    assertThat(copy.getSpec()).isEqualTo(cached.getSpec()).isNotSameAs(cached.getSpec());
    assertThat(copy.getStatus()).isNotSameAs(cached.getStatus());
    assertThat(copy.getStatus()).usingRecursiveComparison().isEqualTo(cached.getStatus());
    assertThat(copy.getMetadata()).isNotSameAs(cached.getMetadata());
    assertThat(copy.getMetadata().getUid()).isEqualTo(cached.getMetadata().getUid());
    assertThat(copy.getMetadata().getAnnotations())
        .isEqualTo(cached.getMetadata().getAnnotations());
    copy.getMetadata().getLabels().put("written", "by a reconciler");
    copy.getStatus().getConditions().get(0).setMessage("changed");
    assertThat(cached.getMetadata().getLabels()).isEmpty();
    assertThat(cached.getStatus().getConditions().get(0).getMessage())
        .isEqualTo("EC2 group sg-0123456789abcdef0 matches the spec");
  }

  @Test
  void everyResourceSharesOneRateLimitState() {
    assertThat(Unlimited.INSTANCE.initState()).isSameAs(Unlimited.INSTANCE.initState());
    assertThat(Unlimited.INSTANCE.isLimited(Unlimited.INSTANCE.initState())).isEmpty();
  }

  private static final String OTHER =
      """
      apiVersion: ec2.portcullis.dev/v1alpha1
      kind: SecurityGroup
      metadata: {name: api, namespace: shop, uid: 0d7c3a4e-0000-4000-8000-000000000002}
      spec:
        region: eu-west-1
        vpcId: vpc-0a000001
        ingress:
          - ports: [http, "8080"]
            from: [{cidr: 10.0.0.0/16}, {securityGroup: lb}]
          - ports: [http, "8080"]
            from: [{cidr: 10.0.0.0/16}]
        egress:
          - ports: [https]
            to: [{cidr: 0.0.0.0/0}]
      """;

  @Test
  void cachedGroupsShareEqualRulesAndOnlyThose() {
    Canon<AbstractRule> rules = new Canon<>();
    SecurityGroup web = PortcullisOperator.pruned(read(GROUP), rules);
    SecurityGroup api = PortcullisOperator.pruned(read(OTHER), rules);
    assertThat(api.getSpec().getIngress().get(0)).isSameAs(web.getSpec().getIngress().get(0));
    assertThat(api.getSpec().getEgress().get(0)).isSameAs(web.getSpec().getEgress().get(0));
    assertThat(api.getSpec().getIngress().get(1)).isNotEqualTo(web.getSpec().getIngress().get(0));
    assertThat(api.getSpec().getIngress().get(1).getFrom()).hasSize(1);
    assertThat(web.getSpec()).isEqualTo(read(GROUP).getSpec());
    assertThat(api.getSpec()).isEqualTo(read(OTHER).getSpec());
  }

  @Test
  void rulesStaySharedWhenTheStoreMakesItsCanonAnew() {
    CompactItemStore<SecurityGroup> store =
        new CompactItemStore<>(PortcullisOperator::pruned, PortcullisOperator::sharedRules);
    SecurityGroup web = read(GROUP);
    store.put(store.getKey(web), web);
    // one group changed over and over: each version's rule is new, the old ones are garbage
    for (int port = 1; port <= 3 * CompactItemStore.SLACK; port++) {
      SecurityGroup changing = read(OTHER);
      changing.getSpec().getIngress().get(1).setPorts(List.of(Integer.toString(port)));
      store.put(store.getKey(changing), changing);
    }
    SecurityGroup api = read(OTHER);
    store.put(store.getKey(api), api);
    assertThat(store.get("shop/api").getSpec().getIngress().get(0))
        .isSameAs(store.get("shop/web").getSpec().getIngress().get(0));
    assertThat(store.get("shop/api").getSpec().getIngress().get(1).getPorts())
        .containsExactly("http", "8080");
  }
}
