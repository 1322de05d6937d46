package dev.portcullis.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped IAM policy allows every EC2 action the adapter calls, nothing with a wildcard, and
 * lets the operator change or delete only the groups that carry its ownership tag.
 */
class IamPolicyTest {
  static final Path POLICY = Path.of("docs/iam-policy.json");
  static final Path ADAPTER = Path.of("src/main/java/dev/portcullis/cloud/aws/AwsCloud.java");

  /** Each statement's actions, with the statements that allow them. */
  static Map<String, List<JsonNode>> allowed(JsonNode policy) {
    Map<String, List<JsonNode>> out = new HashMap<>();
    for (JsonNode st : policy.get("Statement")) {
      assertThat(st.get("Effect").asText()).isEqualTo("Allow");
      JsonNode actions = st.get("Action");
      List<JsonNode> list = new ArrayList<>();
      actions.forEach(list::add);
      if (actions.isTextual()) {
        list = List.of(actions);
      }
      for (JsonNode a : list) {
        out.computeIfAbsent(a.asText(), k -> new ArrayList<>()).add(st);
      }
    }
    return out;
  }

  /** The EC2 API actions the adapter's source calls on its Ec2Client, and the flow logs' reads. */
  static Set<String> calledActions() throws IOException {
    String src = Files.readString(ADAPTER);
    Matcher m =
        Pattern.compile(
                "\\.((?:create|describe|delete|authorize|revoke|update|modify)"
                    + "(?:SecurityGroup|Tags|Instance|NetworkInterface|ManagedPrefixList)[A-Za-z]*)\\(")
            .matcher(src);
    Set<String> out = new TreeSet<>();
    while (m.find()) {
      String method = m.group(1);
      out.add("ec2:" + Character.toUpperCase(method.charAt(0)) + method.substring(1));
    }
    Matcher logs =
        Pattern.compile("\\.(filterLogEvents)[A-Za-z]*\\(")
            .matcher(Files.readString(ADAPTER.resolveSibling("CloudWatchFlowLogs.java")));
    while (logs.find()) {
      out.add("logs:FilterLogEvents");
    }
    return out;
  }

  @Test
  void allowsEveryActionTheAdapterCallsAndNoWildcard() throws IOException {
    JsonNode policy = new ObjectMapper().readTree(POLICY.toFile());
    Map<String, List<JsonNode>> allowed = allowed(policy);
    Set<String> called = calledActions();
    assertThat(called).contains("ec2:CreateSecurityGroup", "ec2:ModifyNetworkInterfaceAttribute");
    assertThat(allowed.keySet()).containsAll(called);
    assertThat(allowed.keySet()).allSatisfy(a -> assertThat(a).doesNotContain("*"));
    Set<String> unused = new HashSet<>(allowed.keySet());
    unused.removeAll(called);
    assertThat(unused).as("actions the policy allows that the adapter never calls").isEmpty();
  }

  @Test
  void changesAndDeletesOnlyGroupsCarryingTheOwnershipTag() throws IOException {
    JsonNode policy = new ObjectMapper().readTree(POLICY.toFile());
    Map<String, List<JsonNode>> allowed = allowed(policy);
    for (String action :
        List.of(
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupEgress",
            "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
            "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
            "ec2:DeleteSecurityGroup",
            "ec2:DeleteTags")) {
      assertThat(allowed.get(action))
          .as(action)
          .allSatisfy(
              st ->
                  assertThat(
                          st.at(
                                  "/Condition/StringEquals/aws:ResourceTag~1portcullis.dev~1managed-by")
                              .asText())
                      .isEqualTo("portcullis"));
    }
    // a group is only created with the tag, and tags go on other groups only as ownership tags
    assertThat(allowed.get("ec2:CreateSecurityGroup"))
        .anySatisfy(
            st ->
                assertThat(
                        st.at("/Condition/StringEquals/aws:RequestTag~1portcullis.dev~1managed-by")
                            .asText())
                    .isEqualTo("portcullis"));
    assertThat(allowed.get("ec2:CreateTags"))
        .allSatisfy(st -> assertThat(st.has("Condition")).isTrue());
  }
}
