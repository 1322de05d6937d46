package dev.portcullis.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What the generated CRDs must say, whatever the generator does: descriptions everywhere, short
 * names that collide with nothing, the CEL rules and patterns the API relies on, immutable fields,
 * bounded strings and lists for CEL's cost estimate, defaults, and printer columns.
 */
class CrdSchemaTest {
  private static final List<String> KINDS =
      List.of("SecurityGroup", "SecurityGroupAttachment", "ReachabilityCheck");

  /**
   * Short names of the built-in resources ({@code kubectl api-resources}), plus a few that are too
   * generic to claim ({@code sg}, taken by several AWS and OpenStack operators).
   */
  private static final Set<String> TAKEN_SHORT_NAMES =
      Set.of(
          "cs",
          "cm",
          "ep",
          "ev",
          "limits",
          "ns",
          "no",
          "pvc",
          "pv",
          "po",
          "rc",
          "quota",
          "sa",
          "svc",
          "crd",
          "crds",
          "ds",
          "deploy",
          "rs",
          "sts",
          "hpa",
          "cj",
          "csr",
          "ing",
          "netpol",
          "pdb",
          "pc",
          "psp",
          "sc",
          "vac",
          "sg",
          "sgs",
          "secgroup");

  @Test
  void thereIsOneCrdPerKind() {
    assertThat(GeneratedCrds.byKind().keySet()).containsExactlyInAnyOrderElementsOf(KINDS);
    for (String kind : KINDS) {
      CustomResourceDefinition crd = GeneratedCrds.crd(kind);
      assertThat(crd.getSpec().getGroup()).isEqualTo("ec2.portcullis.dev");
      assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
      assertThat(crd.getSpec().getVersions()).hasSize(1);
      CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
      assertThat(v.getName()).isEqualTo("v1alpha1");
      assertThat(v.getServed()).isTrue();
      assertThat(v.getStorage()).isTrue();
      assertThat(v.getSubresources().getStatus())
          .as("%s has a status subresource", kind)
          .isNotNull();
    }
  }

  @Test
  void everyPropertyHasADescription() {
    List<String> missing = new ArrayList<>();
    for (String kind : KINDS) {
      GeneratedCrds.walk(
          GeneratedCrds.root(kind),
          "",
          (path, s) -> {
            if (s.getProperties() != null) {
              s.getProperties()
                  .forEach(
                      (name, p) -> {
                        if (p.getDescription() == null || p.getDescription().isBlank()) {
                          missing.add(kind + " " + (path.isEmpty() ? "" : path + ".") + name);
                        }
                      });
            }
          });
    }
    assertThat(missing).as("properties without a description (kubectl explain)").isEmpty();
  }

  @Test
  void shortNamesCollideWithNothing() {
    Set<String> seen = new HashSet<>();
    for (String kind : KINDS) {
      List<String> shortNames = GeneratedCrds.crd(kind).getSpec().getNames().getShortNames();
      assertThat(shortNames).as("%s has short names", kind).isNotEmpty();
      for (String s : shortNames) {
        assertThat(TAKEN_SHORT_NAMES).as("short name %s of %s", s, kind).doesNotContain(s);
        assertThat(seen.add(s)).as("short name %s used twice", s).isTrue();
      }
    }
    assertThat(GeneratedCrds.crd("SecurityGroup").getSpec().getNames().getShortNames())
        .containsExactly("psg", "portsg");
    assertThat(GeneratedCrds.crd("SecurityGroupAttachment").getSpec().getNames().getShortNames())
        .containsExactly("psga");
    assertThat(GeneratedCrds.crd("ReachabilityCheck").getSpec().getNames().getShortNames())
        .containsExactly("prc", "reach");
  }

  @ParameterizedTest(name = "{0} {1} is immutable")
  @CsvSource({
    "SecurityGroup, spec.region",
    "SecurityGroup, spec.vpcId",
    "SecurityGroup, spec.groupName",
    "SecurityGroup, spec.description",
    "SecurityGroup, spec.adoptGroupId",
    "SecurityGroupAttachment, spec.region",
  })
  void immutableFieldsCompareWithOldSelf(String kind, String path) {
    assertThat(rules(kind, path)).contains("self == oldSelf");
  }

  @Test
  void optionalImmutableFieldsCannotBeAddedOrRemoved() {
    assertThat(rules("SecurityGroup", "spec"))
        .contains(
            "has(self.groupName) == has(oldSelf.groupName)",
            "has(self.adoptGroupId) == has(oldSelf.adoptGroupId)");
  }

  /**
   * The API server refuses transition rules (those that use {@code oldSelf}) below a list that it
   * cannot correlate item by item, and every list here is atomic.
   */
  @Test
  void transitionRulesAreNotBelowLists() {
    for (String kind : KINDS) {
      GeneratedCrds.walk(
          GeneratedCrds.root(kind),
          "",
          (path, s) -> {
            if (path.contains("[]") && s.getXKubernetesValidations() != null) {
              for (ValidationRule r : s.getXKubernetesValidations()) {
                assertThat(r.getRule()).as("%s %s", kind, path).doesNotContain("oldSelf");
              }
            }
          });
    }
  }

  @Test
  void ruleChecksArePresentOnBothDirections() {
    for (String rule : List.of("spec.ingress[]", "spec.egress[]")) {
      assertThat(rules("SecurityGroup", rule))
          .containsExactlyInAnyOrder(
              Schema.RULE_PORTS_REQUIRED,
              Schema.RULE_PORTS_ONLY_TCP_UDP,
              Schema.RULE_ICMP_ONLY_ICMP);
      assertThat(rules("SecurityGroup", rule + ".ports"))
          .containsExactlyInAnyOrder(
              Schema.PORTS_RULE, Schema.PORTS_AT_MOST_65535, Schema.PORT_RANGES_ORDERED);
      assertThat(rules("SecurityGroup", rule + ".icmp"))
          .containsExactly("self.type != -1 || self.code == -1");
    }
    String peer = "spec.ingress[].from[]";
    assertThat(rules("SecurityGroup", peer)).singleElement().asString().endsWith("== 1");
    assertThat(rules("SecurityGroup", "spec.egress[].to[]"))
        .isEqualTo(rules("SecurityGroup", peer));
    assertThat(rules("SecurityGroup", peer + ".cidr")).containsExactly("isCIDR(self)");
    assertThat(rules("SecurityGroup", peer + ".self")).containsExactly("self == true");
  }

  @Test
  void otherCrossFieldRulesArePresent() {
    assertThat(rules("SecurityGroup", "spec.groupName"))
        .contains("!self.lowerAscii().startsWith('sg-')", "self.lowerAscii() != 'default'");
    assertThat(rules("SecurityGroup", "spec"))
        .contains("!has(self.groupName) || !has(self.adoptGroupId)");
    assertThat(String.join("\n", rules("SecurityGroup", "spec.tags")))
        .contains("'aws:'", "'portcullis.dev/'", "size(k) <= 128");
    assertThat(rules("SecurityGroupAttachment", "spec.instances"))
        .containsExactly("has(self.ids) || has(self.selector)");
    assertThat(rules("SecurityGroupAttachment", "spec"))
        .singleElement()
        .asString()
        .contains("<= 16");
    assertThat(rules("ReachabilityCheck", "spec.from")).singleElement().asString().endsWith("== 1");
    assertThat(rules("ReachabilityCheck", "spec.from.cidr")).containsExactly("isCIDR(self)");
    assertThat(rules("ReachabilityCheck", "spec")).hasSize(2);
  }

  @Test
  void everyRuleHasAMessage() {
    for (String kind : KINDS) {
      GeneratedCrds.walk(
          GeneratedCrds.root(kind),
          "",
          (path, s) -> {
            if (s.getXKubernetesValidations() != null) {
              for (ValidationRule r : s.getXKubernetesValidations()) {
                assertThat(r.getMessage())
                    .as("message of %s at %s %s", r.getRule(), kind, path)
                    .isNotBlank();
              }
            }
          });
    }
  }

  @ParameterizedTest(name = "{0} {1} has a pattern rule with a message")
  @CsvSource({
    "SecurityGroup, spec.region",
    "SecurityGroup, spec.vpcId",
    "SecurityGroup, spec.groupName",
    "SecurityGroup, spec.description",
    "SecurityGroup, spec.adoptGroupId",
    "SecurityGroup, spec.ingress[].protocol",
    "SecurityGroup, spec.ingress[].ports",
    "SecurityGroup, spec.ingress[].description",
    "SecurityGroup, spec.ingress[].from[].securityGroup",
    "SecurityGroup, spec.ingress[].from[].securityGroupId",
    "SecurityGroup, spec.ingress[].from[].prefixListId",
    "SecurityGroup, spec.egress[].protocol",
    "SecurityGroup, spec.egress[].ports",
    "SecurityGroupAttachment, spec.region",
    "SecurityGroupAttachment, spec.securityGroups",
    "SecurityGroupAttachment, spec.securityGroupIds",
    "SecurityGroupAttachment, spec.instances.ids",
    "ReachabilityCheck, spec.region",
    "ReachabilityCheck, spec.protocol",
    "ReachabilityCheck, spec.from.instanceId",
    "ReachabilityCheck, spec.from.securityGroup",
    "ReachabilityCheck, spec.from.securityGroupId",
    "ReachabilityCheck, spec.to.instanceId",
  })
  void validatedStringsHaveAPatternRule(String kind, String path) {
    JSONSchemaProps s = GeneratedCrds.at(kind, path);
    assertThat(GeneratedCrds.patterns(s)).singleElement().asString().startsWith("^").endsWith("$");
    assertThat(s.getXKubernetesValidations())
        .filteredOn(r -> SchemaValidator.patternOf(r.getRule()).isPresent())
        .singleElement()
        .satisfies(r -> assertThat(r.getMessage()).isNotBlank().doesNotContain("^"));
  }

  /**
   * The API server's rejection of an OpenAPI pattern quotes the pattern, and a user who got a port
   * wrong learns nothing from 400 characters of regex: the spec states its patterns as CEL rules,
   * whose messages say in words what the field takes.
   */
  @Test
  void noSpecFieldHasAnOpenApiPattern() {
    for (String kind : KINDS) {
      GeneratedCrds.walk(
          GeneratedCrds.at(kind, "spec"),
          "spec",
          (path, s) -> assertThat(s.getPattern()).as("%s %s", kind, path).isNull());
    }
  }

  /**
   * CEL's cost estimate assumes the worst for anything unbounded, and the API server refuses a CRD
   * whose rules may cost too much; a bound on every string, list and map of the spec keeps the
   * estimate low, now and for rules added later.
   */
  @Test
  void everySpecStringListAndMapIsBounded() {
    List<String> unbounded = new ArrayList<>();
    for (String kind : KINDS) {
      GeneratedCrds.walk(
          GeneratedCrds.at(kind, "spec"),
          "spec",
          (path, s) -> {
            boolean map = s.getAdditionalProperties() != null;
            if ("string".equals(s.getType()) && s.getMaxLength() == null && s.getEnum() == null) {
              unbounded.add(kind + " " + path + " (maxLength)");
            }
            if ("array".equals(s.getType()) && s.getMaxItems() == null) {
              unbounded.add(kind + " " + path + " (maxItems)");
            }
            if (map && s.getMaxProperties() == null) {
              unbounded.add(kind + " " + path + " (maxProperties)");
            }
          });
    }
    assertThat(unbounded).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1} defaults to {2}")
  @CsvSource({
    "SecurityGroup, spec.description, Managed by Portcullis",
    "SecurityGroup, spec.ingress[].protocol, tcp",
    "SecurityGroup, spec.egress[].protocol, tcp",
    "SecurityGroup, spec.ingress[].icmp.code, -1",
    "SecurityGroup, spec.ruleOwnership, Authoritative",
    "SecurityGroup, spec.driftPolicy, Correct",
    "SecurityGroup, spec.deletionPolicy, Delete",
    "ReachabilityCheck, spec.protocol, tcp",
  })
  void defaults(String kind, String path, String value) {
    JsonNode d = GeneratedCrds.at(kind, path).getDefault();
    assertThat(d).as("default of %s", path).isNotNull();
    assertThat(d.asText()).isEqualTo(value);
  }

  @Test
  void groupNameHasNoDefault() {
    assertThat(GeneratedCrds.at("SecurityGroup", "spec.groupName").getDefault()).isNull();
    assertThat(GeneratedCrds.at("SecurityGroup", "spec.egress").getDefault()).isNull();
  }

  @Test
  void enums() {
    assertThat(enumOf("SecurityGroup", "spec.ruleOwnership"))
        .containsExactlyInAnyOrder("Authoritative", "Additive");
    assertThat(enumOf("SecurityGroup", "spec.driftPolicy"))
        .containsExactlyInAnyOrder("Correct", "Report");
    assertThat(enumOf("SecurityGroup", "spec.deletionPolicy"))
        .containsExactlyInAnyOrder("Delete", "Retain");
    assertThat(enumOf("ReachabilityCheck", "spec.expect"))
        .containsExactlyInAnyOrder("Reachable", "Blocked");
    assertThat(enumOf("ReachabilityCheck", "status.verdict"))
        .containsExactlyInAnyOrder("Reachable", "TimedOut", "ConnectionRefused");
  }

  @Test
  void requiredFields() {
    assertThat(GeneratedCrds.at("SecurityGroup", "spec").getRequired())
        .containsExactlyInAnyOrder("region", "vpcId");
    assertThat(GeneratedCrds.at("SecurityGroup", "spec.ingress[]").getRequired())
        .containsExactly("from");
    assertThat(GeneratedCrds.at("SecurityGroup", "spec.egress[]").getRequired())
        .containsExactly("to");
    assertThat(GeneratedCrds.at("SecurityGroupAttachment", "spec").getRequired())
        .containsExactlyInAnyOrder("region", "securityGroups", "instances");
    assertThat(GeneratedCrds.at("ReachabilityCheck", "spec").getRequired())
        .containsExactlyInAnyOrder("region", "from", "to");
    // to takes instanceId or cidr: a CEL rule requires exactly one
    assertThat(GeneratedCrds.at("ReachabilityCheck", "spec.to").getRequired()).isNullOrEmpty();
  }

  @Test
  void listSizes() {
    assertThat(GeneratedCrds.at("SecurityGroup", "spec.ingress").getMaxItems()).isEqualTo(60);
    assertThat(GeneratedCrds.at("SecurityGroup", "spec.egress").getMaxItems()).isEqualTo(60);
    assertThat(GeneratedCrds.at("SecurityGroup", "spec.ingress[].from").getMinItems()).isEqualTo(1);
    assertThat(GeneratedCrds.at("SecurityGroup", "spec.tags").getMaxProperties()).isEqualTo(50);
    assertThat(GeneratedCrds.at("SecurityGroup", "spec.tags{}").getMaxLength()).isEqualTo(256);
    JSONSchemaProps groups = GeneratedCrds.at("SecurityGroupAttachment", "spec.securityGroups");
    assertThat(groups.getMinItems()).isEqualTo(1);
    assertThat(groups.getMaxItems()).isEqualTo(16);
  }

  @Test
  void conditionsHaveTheKubernetesShape() {
    for (String kind : KINDS) {
      JSONSchemaProps c = GeneratedCrds.at(kind, "status.conditions[]");
      assertThat(c.getProperties().keySet())
          .containsExactlyInAnyOrder(
              "type", "status", "observedGeneration", "lastTransitionTime", "reason", "message");
      assertThat(c.getRequired()).containsExactlyInAnyOrder("type", "status");
    }
  }

  /**
   * The columns, in the order {@code kubectl get} shows them: how the resource stands, what it is,
   * what it holds, its age; the long sentence only in {@code -o wide} (priority 1), last.
   */
  @Test
  void printerColumns() {
    String ready = ".status.conditions[?(@.type==\"Ready\")]";
    assertThat(columns("SecurityGroup"))
        .containsExactly(
            entry("Ready", ready + ".status"),
            entry("Reason", ready + ".reason"),
            entry("Group ID", ".status.groupId"),
            entry("Region", ".spec.region"),
            entry("Ingress", ".status.ingressRules"),
            entry("Egress", ".status.egressRules"),
            entry("Drifted", ".status.conditions[?(@.type==\"Drifted\")].status"),
            entry("Age", ".metadata.creationTimestamp"),
            entry("Message", ready + ".message"));
    assertThat(columns("SecurityGroupAttachment"))
        .containsExactly(
            entry("Ready", ready + ".status"),
            entry("Reason", ready + ".reason"),
            entry("Region", ".spec.region"),
            entry("Instances", ".status.instanceCount"),
            entry("Age", ".metadata.creationTimestamp"),
            entry("Message", ready + ".message"));
    assertThat(columns("ReachabilityCheck"))
        .containsExactly(
            entry("Met", ".status.conditions[?(@.type==\"ExpectationMet\")].status"),
            entry("Verdict", ".status.verdict"),
            entry("Expected", ".spec.expect"),
            entry("From", ".spec.from.*"),
            entry("To", ".spec.to.*"),
            entry("Protocol", ".spec.protocol"),
            entry("Port", ".spec.port"),
            entry("Age", ".metadata.creationTimestamp"),
            entry("Explanation", ".status.explanation"));
  }

  @Test
  void onlyTheSentencesWaitForWide() {
    for (String kind : KINDS) {
      for (CustomResourceColumnDefinition c :
          GeneratedCrds.crd(kind).getSpec().getVersions().get(0).getAdditionalPrinterColumns()) {
        assertThat(c.getPriority())
            .as("%s column %s: priority 1 shows it only with -o wide", kind, c.getName())
            .isEqualTo(c.getName().equals("Message") || c.getName().equals("Explanation") ? 1 : 0);
      }
    }
  }

  @Test
  void everyPrinterColumnHasADescription() {
    for (String kind : KINDS) {
      for (CustomResourceColumnDefinition c :
          GeneratedCrds.crd(kind).getSpec().getVersions().get(0).getAdditionalPrinterColumns()) {
        assertThat(c.getDescription()).as("%s column %s", kind, c.getName()).isNotBlank();
      }
    }
  }

  private static List<String> rules(String kind, String path) {
    List<ValidationRule> rules = GeneratedCrds.at(kind, path).getXKubernetesValidations();
    return rules == null ? List.of() : rules.stream().map(ValidationRule::getRule).toList();
  }

  private static List<String> enumOf(String kind, String path) {
    return GeneratedCrds.at(kind, path).getEnum().stream().map(JsonNode::asText).toList();
  }

  private static Map<String, String> columns(String kind) {
    List<CustomResourceColumnDefinition> cols =
        GeneratedCrds.crd(kind).getSpec().getVersions().get(0).getAdditionalPrinterColumns();
    Map<String, String> out = new LinkedHashMap<>();
    cols.forEach(c -> out.put(c.getName(), c.getJsonPath()));
    return out;
  }
}
