package dev.portcullis.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.engine.NamedPorts;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The patterns of the generated CRDs (of the spec's pattern rules, {@code self.matches(r'...')},
 * and of the status's OpenAPI patterns), compiled with java.util.regex and tried on good and bad
 * values, so that a broken regular expression fails here rather than on a cluster. Like the API
 * server (Go's {@code MatchString}, and CEL's {@code matches}), a value passes when the pattern is
 * found anywhere in it; every pattern here is anchored, which {@link
 * #patternsAreAnchoredAndPortable} checks.
 */
class CrdSchemaValidationTest {

  @Test
  void patternsAreAnchoredAndPortable() {
    // Constructs java.util.regex knows and RE2, the API server's engine, refuses.
    Pattern nonRe2 = Pattern.compile("\\(\\?[=!<>]|\\\\[1-9]|\\\\[AZzGk]|[*+?}][+]|\\(\\?>");
    List<String> problems = new ArrayList<>();
    for (String kind : GeneratedCrds.byKind().keySet()) {
      GeneratedCrds.walk(
          GeneratedCrds.root(kind),
          "",
          (path, s) -> {
            List<String> patterns = new ArrayList<>(GeneratedCrds.patterns(s));
            if (s.getPattern() != null) {
              patterns.add(s.getPattern());
            }
            for (String p : patterns) {
              Pattern.compile(p); // throws on a broken pattern
              if (!p.startsWith("^") || !p.endsWith("$")) {
                problems.add(kind + " " + path + " is not anchored: " + p);
              }
              if (nonRe2.matcher(p).find()) {
                problems.add(kind + " " + path + " uses a construct RE2 lacks: " + p);
              }
            }
          });
    }
    assertThat(problems).isEmpty();
  }

  @Test
  void region() {
    check(
        "SecurityGroup",
        "spec.region",
        List.of(
            "us-east-1",
            "eu-west-1",
            "us-gov-west-1",
            "ap-southeast-2",
            "il-central-1",
            "cn-north-1",
            "ap-southeast-7",
            "us-isob-east-1"),
        List.of(
            "",
            "useast1",
            "us-east",
            "US-EAST-1",
            "us-east-1a",
            "us-east-0",
            "us_east_1",
            "u-east-1",
            "us-east-1 ",
            " us-east-1",
            "us--east-1"));
  }

  @Test
  void ec2Ids() {
    check(
        "SecurityGroup",
        "spec.vpcId",
        List.of("vpc-0a1b2c3d", "vpc-0123456789abcdef0"),
        List.of(
            "vpc-XYZ",
            "vpc-0a1b2c3",
            "vpc-0123456789abcdef01",
            "0a1b2c3d",
            "vpc-0A1B2C3D",
            "vpc_0a1b2c3d",
            "vpc-0a1b2c3d\n",
            "sg-0a1b2c3d"));
    List<String> badGroupIds =
        List.of("sg-12345", "sg-0123ABCD", "sg0123abcd", "sg-0123abcd ", "pl-0123abcd", "sg-");
    for (String path :
        List.of(
            "spec.adoptGroupId",
            "spec.ingress[].from[].securityGroupId",
            "spec.egress[].to[].securityGroupId")) {
      check("SecurityGroup", path, List.of("sg-0123abcd", "sg-0123456789abcdef0"), badGroupIds);
    }
    check(
        "SecurityGroupAttachment", "spec.securityGroupIds[]", List.of("sg-0123abcd"), badGroupIds);
    check(
        "SecurityGroup",
        "spec.ingress[].from[].prefixListId",
        List.of("pl-0123abcd", "pl-63a5400a"),
        List.of("pl-zzzz0000", "pl-123", "sg-0123abcd", "pl-0123ABCD"));
    for (String[] at :
        new String[][] {
          {"SecurityGroupAttachment", "spec.instances.ids[]"},
          {"ReachabilityCheck", "spec.from.instanceId"},
          {"ReachabilityCheck", "spec.to.instanceId"}
        }) {
      check(
          at[0],
          at[1],
          List.of("i-0123456789abcdef0", "i-89abcdef"),
          List.of("i-123", "i-0123456789ABCDEF0", "instance", "i_89abcdef", "ami-89abcdef"));
    }
  }

  /** Names and descriptions: the characters EC2 accepts, and no others. */
  @Test
  void ec2Text() {
    List<String> good =
        List.of(
            "Managed by Portcullis",
            "",
            "a-z_A.Z 0:9/()#,@[]+=&;{}!$*",
            "Database tier (PostgreSQL) [prod]");
    List<String> bad =
        List.of(
            "café",
            "<script>",
            "tab\there",
            "quote\"",
            "back\\slash",
            "new\nline",
            "100%",
            "caret^",
            "pipe|",
            "tilde~",
            "question?",
            "it's",
            "back`tick",
            "naïve");
    for (String path :
        List.of(
            "spec.groupName",
            "spec.description",
            "spec.ingress[].description",
            "spec.egress[].description")) {
      check("SecurityGroup", path, good, bad);
    }
  }

  @Test
  void ruleProtocol() {
    List<String> bad =
        List.of("TCP", "", "256", "300", "06", "007", "-2", "gre", "tcp ", "1000", "ICMP", "any");
    for (String path : List.of("spec.ingress[].protocol", "spec.egress[].protocol")) {
      check(
          "SecurityGroup",
          path,
          List.of(
              "tcp", "udp", "icmp", "icmpv6", "all", "-1", "0", "6", "17", "50", "99", "100", "199",
              "200", "249", "250", "255"),
          bad);
    }
  }

  @Test
  void flowProtocolIsOneProtocol() {
    check(
        "ReachabilityCheck",
        "spec.protocol",
        List.of("tcp", "udp", "icmp", "icmpv6", "0", "6", "255"),
        List.of("all", "-1", "TCP", "256", ""));
  }

  @Test
  void ports() {
    for (String path : List.of("spec.ingress[].ports[]", "spec.egress[].ports[]")) {
      check(
          "SecurityGroup",
          path,
          // 70000 has the shape of a port: the CEL rule, not the pattern, refuses it.
          List.of(
              "0",
              "22",
              "443",
              "65535",
              "70000",
              "8000-8080",
              "0-65535",
              "ssh",
              "https",
              "winrm-https",
              "kube-apiserver",
              "ftp-data"),
          List.of(
              "-1",
              "",
              "08",
              "22-",
              "-22",
              "1-2-3",
              "ssh2",
              "SSH",
              "123456",
              "22 ",
              "http alt",
              "8000 - 8080",
              "22,23",
              "all"));
    }
  }

  /** The pattern lists the names of {@link NamedPorts}: every one, and nothing else. */
  @Test
  void namedPortsInThePatternAreTheEngines() {
    String pattern = GeneratedCrds.pattern("SecurityGroup", "spec.ingress[].ports[]");
    Set<String> inPattern = new TreeSet<>();
    Matcher m = Pattern.compile("\\|([a-z][a-z0-9-]*)").matcher(pattern);
    while (m.find()) {
      inPattern.add(m.group(1));
    }
    assertThat(inPattern).isEqualTo(new TreeSet<>(NamedPorts.all().keySet()));
  }

  @Test
  void objectNames() {
    List<String> good = List.of("web", "db-1", "proxy.example", "a");
    List<String> bad = List.of("Web", "-web", "web-", "web_1", "", "web..db", ".web");
    check("SecurityGroup", "spec.ingress[].from[].securityGroup", good, bad);
    check("SecurityGroupAttachment", "spec.securityGroups[]", good, bad);
    check("ReachabilityCheck", "spec.from.securityGroup", good, bad);
  }

  @Test
  void conditionStatus() {
    check(
        "SecurityGroup",
        "status.conditions[].status",
        List.of("True", "False", "Unknown"),
        List.of("true", "Yes", ""));
  }

  private static void check(String kind, String path, List<String> good, List<String> bad) {
    String regex = GeneratedCrds.pattern(kind, path);
    assertThat(regex).as("pattern of %s %s", kind, path).isNotNull();
    Pattern p = GoRegex.compile(regex);
    for (String v : good) {
      assertThat(p.matcher(v).find()).as("%s %s accepts \"%s\"", kind, path, v).isTrue();
    }
    for (String v : bad) {
      assertThat(p.matcher(v).find()).as("%s %s refuses \"%s\"", kind, path, v).isFalse();
    }
  }
}
