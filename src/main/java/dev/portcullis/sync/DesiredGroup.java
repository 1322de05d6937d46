package dev.portcullis.sync;

import dev.portcullis.api.v1alpha1.RuleSpecs;
import dev.portcullis.api.v1alpha1.SecurityGroupSpec;
import dev.portcullis.engine.Canonicalizer;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Quotas;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import dev.portcullis.engine.Validation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A SecurityGroup's spec checked for what its schema cannot say (quotas, canonical rules, EC2's
 * name rules), and turned into the canonical rules it asks for. Shared by the operator and the
 * offline command, so both refuse the same specs with the same words.
 *
 * @param rules the desired rules, references still by name; empty when there are errors
 * @param problems errors (nothing may be applied) and warnings (such as masked host bits)
 */
public record DesiredGroup(List<Rule> rules, List<Problem> problems) {
  /** The schema's default for {@code spec.description}. */
  public static final String DEFAULT_DESCRIPTION = "Managed by Portcullis";

  public DesiredGroup {
    rules = List.copyOf(rules);
    problems = List.copyOf(problems);
  }

  public List<Problem> errors() {
    return problems.stream().filter(Problem::isError).toList();
  }

  public List<Problem> warnings() {
    return problems.stream().filter(p -> !p.isError()).toList();
  }

  public boolean ok() {
    return errors().isEmpty();
  }

  /**
   * The group name EC2 gets when the spec sets none: {@code namespace/name}, unique per VPC as long
   * as one operator manages it. EC2 refuses names that start with {@code sg-} (a namespace may well
   * start so) and names over 255 characters (a namespace and a name together may be 317): those get
   * a {@code k8s:} prefix, and a long name is cut and ends with a hash of the whole, so that it
   * stays unique.
   */
  public static String defaultGroupName(String namespace, String name) {
    String full = namespace + "/" + name;
    String n = full.regionMatches(true, 0, "sg-", 0, 3) ? "k8s:" + full : full;
    if (n.length() > Validation.MAX_TEXT) {
      String hash = String.format("%08x", full.hashCode());
      n = n.substring(0, Validation.MAX_TEXT - hash.length() - 1) + "-" + hash;
    }
    return n;
  }

  /** What the resource's group is created with: its name, description and tags. */
  public static GroupKeeper.Wanted wanted(SecurityGroupSpec spec, String namespace, String name) {
    return new GroupKeeper.Wanted(
        spec.getVpcId(),
        spec.getGroupName() != null ? spec.getGroupName() : defaultGroupName(namespace, name),
        spec.getDescription() == null ? DEFAULT_DESCRIPTION : spec.getDescription(),
        spec.getTags() == null ? Map.of() : spec.getTags());
  }

  public static DesiredGroup of(
      SecurityGroupSpec spec, Quotas quotas, Map<String, RuleCounts.PrefixListSize> prefixLists) {
    List<Problem> problems = new ArrayList<>();
    if (spec.getRegion() == null) {
      problems.add(Problem.error("spec.region", "required"));
    }
    if (spec.getVpcId() == null && spec.getAdoptGroupId() == null) {
      problems.add(Problem.error("spec.vpcId", "required"));
    }
    if (spec.getGroupName() != null) {
      problems.addAll(Validation.groupName("spec.groupName", spec.getGroupName()));
    }
    if (spec.getAdoptGroupId() == null) {
      // the API server applies the schema's default when the field is left out
      problems.addAll(
          Validation.groupDescription(
              "spec.description",
              spec.getDescription() == null ? DEFAULT_DESCRIPTION : spec.getDescription()));
    }
    Canonicalizer.Result result =
        Canonicalizer.canonicalize(RuleSpecs.toRuleSpecs(spec), quotas, prefixLists);
    problems.addAll(result.problems());
    if (problems.stream().anyMatch(Problem::isError)) {
      return new DesiredGroup(List.of(), problems);
    }
    List<Rule> rules = new ArrayList<>(result.rules());
    if (RuleSpecs.keepsDefaultEgress(spec)) {
      rules.add(Rule.DEFAULT_EGRESS);
    }
    return new DesiredGroup(rules, problems);
  }
}
