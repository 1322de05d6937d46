package dev.portcullis.offline;

import dev.portcullis.api.v1alpha1.AttachedInstance;
import dev.portcullis.api.v1alpha1.FlowSource;
import dev.portcullis.api.v1alpha1.InstanceTargets;
import dev.portcullis.api.v1alpha1.ReachabilityCheck;
import dev.portcullis.api.v1alpha1.ReachabilityCheckSpec;
import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachment;
import dev.portcullis.api.v1alpha1.SecurityGroupAttachmentSpec;
import dev.portcullis.api.v1alpha1.SecurityGroupSpec;
import dev.portcullis.cloud.CloudException;
import dev.portcullis.cloud.GroupFilter;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.cloud.simulator.Ec2Simulator;
import dev.portcullis.cloud.simulator.World;
import dev.portcullis.engine.Ip;
import dev.portcullis.engine.NamedGroupPeer;
import dev.portcullis.engine.Ownership;
import dev.portcullis.engine.Problem;
import dev.portcullis.engine.Resolver;
import dev.portcullis.engine.Rule;
import dev.portcullis.engine.RuleCounts;
import dev.portcullis.engine.Validation;
import dev.portcullis.engine.eval.Decision;
import dev.portcullis.engine.eval.Destination;
import dev.portcullis.engine.eval.Flow;
import dev.portcullis.engine.eval.FlowEvaluator;
import dev.portcullis.engine.eval.Reason;
import dev.portcullis.engine.eval.Source;
import dev.portcullis.offline.Manifests.Loaded;
import dev.portcullis.offline.OfflineReport.Answer;
import dev.portcullis.offline.OfflineReport.AttachmentOutcome;
import dev.portcullis.offline.OfflineReport.GroupOutcome;
import dev.portcullis.sync.AttachmentSync;
import dev.portcullis.sync.DesiredGroup;
import dev.portcullis.sync.FlowSpecs;
import dev.portcullis.sync.GroupInventory;
import dev.portcullis.sync.GroupKeeper;
import dev.portcullis.sync.GroupSync;
import dev.portcullis.sync.ManagedRules;
import dev.portcullis.sync.OwnerTags;
import dev.portcullis.sync.ReferenceLocality;
import dev.portcullis.sync.Retry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Applies manifests to the simulator the way the operator applies them to EC2: every resource is
 * checked first, and nothing at all is applied when any is invalid; then groups are found or
 * created by their ownership tags, their rules planned and applied, attachments set, and
 * reachability questions answered against what the simulator then holds.
 */
public final class OfflineRunner {
  private final Ec2Simulator cloud;
  private final GroupSync sync;
  private final AttachmentSync attachments;
  private final GroupKeeper keeper;
  private final Retry retry;
  private final Map<String, RuleCounts.PrefixListSize> prefixLists;

  public OfflineRunner(Ec2Simulator cloud, Retry retry) {
    this.cloud = cloud;
    this.retry = retry;
    this.sync = new GroupSync(cloud, retry, cloud.quotas());
    this.attachments = new AttachmentSync(cloud, retry, cloud.quotas());
    // The offline run is the only writer, and records what it writes.
    this.keeper = new GroupKeeper(cloud, retry, GroupInventory.readOnce(cloud, retry));
    Map<String, RuleCounts.PrefixListSize> sizes = new HashMap<>();
    cloud.world().regions().values().stream()
        .flatMap(r -> r.prefixLists().stream())
        .forEach(pl -> sizes.put(pl.id(), pl.size()));
    this.prefixLists = Map.copyOf(sizes);
  }

  /** A stable stand-in for the uid the API server would give the resource. */
  static String uid(Loaded<?> r) {
    return UUID.nameUUIDFromBytes(r.ref().getBytes(StandardCharsets.UTF_8)).toString();
  }

  private record Checked(Loaded<SecurityGroup> sg, List<Rule> rules, List<Problem> warnings) {}

  /**
   * Applies the manifests and answers the checks and the extra {@code questions}.
   *
   * @throws ManifestException when any resource is invalid; nothing was applied then
   * @throws QuestionException when a question from the command line cannot be asked
   */
  public OfflineReport run(Manifests m, List<String> questions)
      throws ManifestException, QuestionException {
    List<String> invalid = new ArrayList<>();
    List<Checked> checked = new ArrayList<>();
    for (Loaded<SecurityGroup> sg : m.securityGroups()) {
      SecurityGroupSpec spec = sg.resource().getSpec();
      String at = sg.file() + ": " + sg.ref() + ": ";
      if (spec == null) {
        invalid.add(at + "spec is required");
        continue;
      }
      DesiredGroup desired = DesiredGroup.of(spec, cloud.quotas(), prefixLists);
      desired.errors().forEach(p -> invalid.add(at + p));
      if (desired.ok()) {
        checked.add(new Checked(sg, desired.rules(), desired.warnings()));
      }
    }
    Map<String, Loaded<SecurityGroup>> byName = new HashMap<>();
    m.securityGroups().forEach(sg -> byName.put(key(sg.resource()), sg));
    checkReferences(checked, byName, invalid);
    checkAttachments(m, byName, invalid);
    checkChecks(m, byName, cloud.world(), invalid);
    if (!invalid.isEmpty()) {
      throw new ManifestException(invalid);
    }

    // Create (or find) every group first, so references between them resolve.
    Map<String, GroupOutcome> outcomes = new LinkedHashMap<>();
    Map<String, String> ids = new HashMap<>();
    for (Checked c : checked) {
      SecurityGroup sg = c.sg().resource();
      SecurityGroupSpec spec = sg.getSpec();
      String ns = sg.getMetadata().getNamespace();
      String name = sg.getMetadata().getName();
      try {
        OwnerTags owner = new OwnerTags(ns, name, uid(c.sg()));
        GroupKeeper.Outcome kept =
            spec.getAdoptGroupId() != null
                ? keeper.adopt(spec.getRegion(), owner, spec.getAdoptGroupId(), spec.getVpcId())
                : keeper.ensure(
                    spec.getRegion(), owner, null, DesiredGroup.wanted(spec, ns, name), true);
        if (kept instanceof GroupKeeper.Refused r) {
          outcomes.put(
              key(sg),
              new GroupOutcome(
                  c.sg().ref(), spec.getRegion(), null, false, c.warnings(), r.message()));
          continue;
        }
        GroupKeeper.Kept k = (GroupKeeper.Kept) kept;
        SecurityGroupInfo info = k.group();
        boolean created = k.how() == GroupKeeper.How.CREATED;
        ids.put(key(sg), info.groupId());
        outcomes.put(
            key(sg),
            new GroupOutcome(c.sg().ref(), spec.getRegion(), info, created, c.warnings(), null));
      } catch (CloudException e) {
        outcomes.put(
            key(sg),
            new GroupOutcome(
                c.sg().ref(), spec.getRegion(), null, false, c.warnings(), e.getMessage()));
      }
    }
    // Then bring each group's rules to the desired set.
    for (Checked c : checked) {
      SecurityGroup sg = c.sg().resource();
      GroupOutcome o = outcomes.get(key(sg));
      if (o.group() == null) {
        continue;
      }
      String ns = sg.getMetadata().getNamespace();
      Map<String, String> namesInNamespace = new HashMap<>();
      ids.forEach(
          (k, id) -> {
            if (k.startsWith(ns + "/")) {
              namesInNamespace.put(k.substring(ns.length() + 1), id);
            }
          });
      Resolver.Resolution res = Resolver.resolve(c.rules(), o.group().groupId(), namesInNamespace);
      if (!res.complete()) {
        replace(
            outcomes,
            sg,
            o,
            "references groups that EC2 refused or that do not exist: "
                + String.join(", ", res.missing()));
        continue;
      }
      SecurityGroupSpec spec = sg.getSpec();
      // one run applies everything: no rule was recorded as applied before it
      Ownership ownership = ManagedRules.of(spec, List.of(), o.group().rules(), o.created());
      try {
        sync.syncRules(o.region(), o.group(), res.rules(), ownership, true, prefixLists);
        SecurityGroupInfo after = describe(o.region(), o.group().groupId());
        outcomes.put(
            key(sg), new GroupOutcome(o.ref(), o.region(), after, o.created(), o.warnings(), null));
      } catch (CloudException e) {
        replace(outcomes, sg, o, e.getMessage());
      }
    }

    List<AttachmentOutcome> attachments = new ArrayList<>();
    for (Loaded<SecurityGroupAttachment> a : m.attachments()) {
      attachments.add(attach(a, ids, byName));
    }

    FlowEvaluator evaluator = cloud.evaluator();
    List<Answer> answers = new ArrayList<>();
    for (Loaded<ReachabilityCheck> c : m.checks()) {
      ReachabilityCheckSpec s = c.resource().getSpec();
      FlowSource f = s.getFrom();
      String ns = c.resource().getMetadata().getNamespace();
      String groupId =
          f.getSecurityGroup() == null ? null : ids.get(ns + "/" + f.getSecurityGroup());
      Flow flow = FlowSpecs.of(s, groupId, new ArrayList<>());
      answers.add(
          new Answer(c.ref(), describeFlow(flow), flow, evaluator.decide(flow), s.getExpect()));
    }
    List<Problem> problems = new ArrayList<>();
    for (String q : questions) {
      Flow flow =
          FlowSpecs.question(
              q,
              n -> {
                // A bare name must be unambiguous; "namespace/name" always is.
                if (ids.containsKey(n)) {
                  return ids.get(n);
                }
                List<String> matches =
                    ids.keySet().stream().filter(k -> k.endsWith("/" + n)).sorted().toList();
                if (matches.size() > 1) {
                  problems.add(
                      Problem.error(
                          "--ask",
                          "\""
                              + n
                              + "\" names a SecurityGroup in several namespaces ("
                              + String.join(", ", matches)
                              + "); write namespace/name"));
                  return null;
                }
                return matches.isEmpty() ? null : ids.get(matches.get(0));
              },
              problems);
      if (flow != null) {
        Decision d = evaluator.decide(flow);
        if (d.reason() == Reason.UNKNOWN_INSTANCE || d.reason() == Reason.UNKNOWN_GROUP) {
          // a typo is not a time-out: nothing can be said about what EC2 does not have
          problems.add(Problem.error("--ask \"" + q + "\"", d.explanation()));
        } else {
          answers.add(new Answer("--ask", describeFlow(flow), flow, d, null));
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new QuestionException(problems.stream().map(Problem::toString).toList());
    }
    return new OfflineReport(new ArrayList<>(outcomes.values()), attachments, answers);
  }

  private static String key(SecurityGroup sg) {
    return sg.getMetadata().getNamespace() + "/" + sg.getMetadata().getName();
  }

  private static void replace(
      Map<String, GroupOutcome> outcomes, SecurityGroup sg, GroupOutcome o, String refusal) {
    outcomes.put(
        key(sg),
        new GroupOutcome(o.ref(), o.region(), o.group(), o.created(), o.warnings(), refusal));
  }

  private SecurityGroupInfo describe(String region, String groupId) {
    return retry
        .call(() -> cloud.describeSecurityGroups(region, GroupFilter.ids(groupId), null, null))
        .items()
        .get(0);
  }

  static String describeFlow(Flow f) {
    Source s = f.source();
    String src;
    if (s instanceof Source.Address4 a) {
      src = Ip.format4(a.address());
    } else if (s instanceof Source.Address6 a) {
      src = Ip.format6(a.high(), a.low());
    } else if (s instanceof Source.Range r) {
      src = r.cidr().display();
    } else if (s instanceof Source.Instance i) {
      src = i.instanceId();
    } else {
      src = "member of " + ((Source.GroupMember) s).groupId();
    }
    String what =
        f.protocol().hasPorts()
            ? f.protocol().name() + "/" + f.port()
            : f.protocol().isIcmp()
                ? f.protocol().name() + " type " + f.port()
                : f.protocol().name();
    return src + " -> " + describe(f.destination()) + " " + what;
  }

  private static String describe(Destination d) {
    if (d instanceof Destination.Address4 a) {
      return Ip.format4(a.address());
    }
    if (d instanceof Destination.Address6 a) {
      return Ip.format6(a.high(), a.low());
    }
    if (d instanceof Destination.Range r) {
      return r.cidr().display();
    }
    return ((Destination.Instance) d).instanceId();
  }

  /**
   * References the schema cannot check: a group named in a rule must be a SecurityGroup of the
   * namespace in the same region and VPC, because groups never match across regions or VPCs.
   */
  private static void checkReferences(
      List<Checked> checked, Map<String, Loaded<SecurityGroup>> byName, List<String> invalid) {
    for (Checked c : checked) {
      SecurityGroup sg = c.sg().resource();
      String ns = sg.getMetadata().getNamespace();
      for (Rule r : c.rules()) {
        if (!(r.peer() instanceof NamedGroupPeer n)) {
          continue;
        }
        Loaded<SecurityGroup> target = byName.get(ns + "/" + n.name());
        String at =
            c.sg().file()
                + ": "
                + c.sg().ref()
                + ": "
                + r.direction().word()
                + " rule \""
                + r.display()
                + "\": ";
        if (target == null) {
          invalid.add(at + "there is no SecurityGroup " + ns + "/" + n.name());
          continue;
        }
        if (target.resource().getSpec() != null) {
          ReferenceLocality.problem(n.name(), sg.getSpec(), target.resource().getSpec())
              .ifPresent(p -> invalid.add(at + p));
        }
      }
    }
  }

  private void checkAttachments(
      Manifests m, Map<String, Loaded<SecurityGroup>> byName, List<String> invalid) {
    for (Loaded<SecurityGroupAttachment> a : m.attachments()) {
      SecurityGroupAttachmentSpec s = a.resource().getSpec();
      String at = a.file() + ": " + a.ref() + ": ";
      if (s == null || s.getRegion() == null) {
        invalid.add(at + "spec.region: required");
        continue;
      }
      String ns = a.resource().getMetadata().getNamespace();
      List<String> names = s.getSecurityGroups() == null ? List.of() : s.getSecurityGroups();
      for (int i = 0; i < names.size(); i++) {
        Loaded<SecurityGroup> target = byName.get(ns + "/" + names.get(i));
        if (target == null) {
          invalid.add(
              at
                  + "spec.securityGroups["
                  + i
                  + "]: there is no SecurityGroup "
                  + ns
                  + "/"
                  + names.get(i));
        } else if (target.resource().getSpec() != null
            && !s.getRegion().equals(target.resource().getSpec().getRegion())) {
          invalid.add(
              at
                  + "spec.securityGroups["
                  + i
                  + "]: SecurityGroup "
                  + names.get(i)
                  + " is in region "
                  + target.resource().getSpec().getRegion()
                  + ", not "
                  + s.getRegion());
        }
      }
      InstanceTargets t = s.getInstances();
      if (t == null
          || ((t.getIds() == null || t.getIds().isEmpty())
              && (t.getSelector() == null || t.getSelector().getTags() == null))) {
        invalid.add(at + "spec.instances: set ids, a selector, or both");
      }
      int total =
          names.size() + (s.getSecurityGroupIds() == null ? 0 : s.getSecurityGroupIds().size());
      Validation.groupsPerInterface("spec.securityGroups", total, cloud.quotas())
          .forEach(p -> invalid.add(at + p));
    }
  }

  private static void checkChecks(
      Manifests m, Map<String, Loaded<SecurityGroup>> byName, World world, List<String> invalid) {
    for (Loaded<ReachabilityCheck> c : m.checks()) {
      ReachabilityCheckSpec s = c.resource().getSpec();
      String at = c.file() + ": " + c.ref() + ": ";
      if (s == null || s.getFrom() == null || s.getTo() == null) {
        invalid.add(at + "spec.from and spec.to are required");
        continue;
      }
      FlowSource f = s.getFrom();
      String ns = c.resource().getMetadata().getNamespace();
      if (f.getSecurityGroup() != null && !byName.containsKey(ns + "/" + f.getSecurityGroup())) {
        invalid.add(
            at
                + "spec.from.securityGroup: there is no SecurityGroup "
                + ns
                + "/"
                + f.getSecurityGroup());
        continue;
      }
      List<Problem> problems = FlowSpecs.check(s);
      problems.forEach(p -> invalid.add(at + p));
      // Instances belong to one region: the check's region decides where to look for them.
      World.Region region = world.regions().get(s.getRegion());
      Set<String> here = new HashSet<>();
      if (region != null) {
        region.instances().forEach(i -> here.add(i.id()));
      }
      if (s.getTo().getInstanceId() != null && !here.contains(s.getTo().getInstanceId())) {
        invalid.add(
            at
                + "spec.to.instanceId: there is no instance "
                + s.getTo().getInstanceId()
                + " in "
                + s.getRegion());
      }
      if (f.getInstanceId() != null && !here.contains(f.getInstanceId())) {
        invalid.add(
            at
                + "spec.from.instanceId: there is no instance "
                + f.getInstanceId()
                + " in "
                + s.getRegion());
      }
      if (f.getSecurityGroup() != null
          && byName.get(ns + "/" + f.getSecurityGroup()).resource().getSpec() != null
          && !s.getRegion()
              .equals(
                  byName.get(ns + "/" + f.getSecurityGroup()).resource().getSpec().getRegion())) {
        invalid.add(
            at
                + "spec.from.securityGroup: SecurityGroup "
                + f.getSecurityGroup()
                + " is not in "
                + s.getRegion());
      }
    }
  }

  private AttachmentOutcome attach(
      Loaded<SecurityGroupAttachment> a,
      Map<String, String> ids,
      Map<String, Loaded<SecurityGroup>> byName) {
    SecurityGroupAttachmentSpec s = a.resource().getSpec();
    String ns = a.resource().getMetadata().getNamespace();
    List<String> refusals = new ArrayList<>();
    List<String> wanted = new ArrayList<>();
    Map<String, String> vpcOf = new HashMap<>();
    for (String n : s.getSecurityGroups() == null ? List.<String>of() : s.getSecurityGroups()) {
      String id = ids.get(ns + "/" + n);
      if (id == null) {
        refusals.add("SecurityGroup " + n + " was refused by EC2, so it cannot be attached");
        continue;
      }
      wanted.add(id);
      vpcOf.put(id, byName.get(ns + "/" + n).resource().getSpec().getVpcId());
    }
    if (s.getSecurityGroupIds() != null) {
      wanted.addAll(s.getSecurityGroupIds());
    }
    List<AttachedInstance> attached = List.of();
    try {
      AttachmentSync.Selection selected = attachments.select(s.getRegion(), s.getInstances());
      AttachmentSync.Outcome outcome =
          attachments.attach(
              s.getRegion(),
              selected.instances().values(),
              new AttachmentSync.Wanted(wanted, vpcOf),
              Set.of(),
              Boolean.TRUE.equals(s.getKeepDefaultGroup()));
      attached = outcome.attached();
      refusals.addAll(outcome.refusals());
      if (selected.missingMessage(s.getRegion()) != null) {
        refusals.add(selected.missingMessage(s.getRegion()));
      }
    } catch (CloudException e) {
      refusals.add(e.getMessage());
    }
    return new AttachmentOutcome(a.ref(), attached, refusals);
  }
}
