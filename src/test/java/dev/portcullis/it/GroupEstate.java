package dev.portcullis.it;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.portcullis.api.v1alpha1.SecurityGroup;
import dev.portcullis.cloud.SecurityGroupInfo;
import dev.portcullis.engine.Rule;
import dev.portcullis.sync.OwnerTags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A namespace's worth of SecurityGroups {@code g0}, {@code g1}, … whose EC2 state can be told from
 * their names: {@code gI} allows HTTPS from {@code 10.I.0.0/16} and, when {@code I % 3 == 1}, from
 * the members of {@code gI-1}; version 2 of a spec adds SSH from the same range. The fault tests
 * apply them, break something, and then check EC2 itself against the specs.
 */
final class GroupEstate {
  private final OperatorRun run;

  /** The spec version of each group that should exist, by name. */
  private final Map<String, Integer> versions = new TreeMap<>();

  GroupEstate(OperatorRun run) {
    this.run = run;
  }

  static String name(int i) {
    return "g" + i;
  }

  /** Applies {@code gI} at {@code version} (1 or 2). */
  void apply(int i, int version) {
    String from =
        "{cidr: 10." + i + ".0.0/16}" + (i % 3 == 1 ? ", {securityGroup: g" + (i - 1) + "}" : "");
    String yaml =
        "apiVersion: ec2.portcullis.dev/v1alpha1\nkind: SecurityGroup\nmetadata: {name: "
            + name(i)
            + "}\nspec:\n  region: eu-west-1\n  vpcId: vpc-0a000001\n  ingress:\n"
            + "    - ports: [https]\n      from: ["
            + from
            + "]\n"
            + (version == 2
                ? "    - ports: [ssh]\n      from: [{cidr: 10." + i + ".0.0/16}]\n"
                : "");
    run.apply(SecurityGroup.class, yaml);
    versions.put(name(i), version);
  }

  /** Applies {@code g0} … {@code gN-1} at version 1. */
  void applyAll(int n) {
    for (int i = 0; i < n; i++) {
      apply(i, 1);
    }
  }

  /** Deletes {@code gI}: it and its EC2 group must be gone in the end. */
  void delete(int i) {
    run.delete(SecurityGroup.class, name(i));
    versions.remove(name(i));
  }

  int size() {
    return versions.size();
  }

  /** How many SecurityGroups of the namespace are Ready now. */
  long ready() {
    return run.readyGroups();
  }

  /** Waits until at least {@code count} groups are Ready: a convergence under way. */
  void awaitReady(int count) {
    await(count + " groups Ready")
        .atMost(60, SECONDS)
        .pollInterval(100, MILLISECONDS)
        .until(() -> run.readyGroups() >= count);
  }

  /**
   * Changes the estate of {@code n} groups as a team would while a fault lasts or just after: a
   * rule more in the first ten, and five new groups.
   */
  void change(int n) {
    for (int i = 0; i < 10; i++) {
      apply(i, 2);
    }
    for (int i = n; i < n + 5; i++) {
      apply(i, 1);
    }
  }

  /**
   * Waits until every group is Ready and the deleted ones are gone, then checks EC2 against the
   * specs: one EC2 group per SecurityGroup (none twice, no orphan), the one its status names, with
   * exactly the rules its spec asks for.
   */
  void assertConverged(Duration atMost) {
    run.awaitReadyGroups(versions.size(), atMost);
    run.assertOneGroupEach(versions.size());
    Map<String, String> ids = new TreeMap<>();
    for (String name : versions.keySet()) {
      ids.put(name, run.groupId(name));
    }
    List<String> wrong = new ArrayList<>();
    for (SecurityGroupInfo g : run.managedGroups()) {
      String name = g.tags().get(OwnerTags.NAME);
      Integer version = versions.get(name);
      if (version == null) {
        wrong.add(g.groupId() + " is tagged for " + name + ", which is deleted");
        continue;
      }
      if (!g.groupId().equals(ids.get(name))) {
        wrong.add(name + "'s status names " + ids.get(name) + ", EC2 has " + g.groupId());
      }
      List<String> expected = expectedRules(Integer.parseInt(name.substring(1)), version, ids);
      List<String> actual = SecurityGroupIT.rules(g);
      if (!actual.equals(expected)) {
        wrong.add(name + " has " + actual + ", its spec asks for " + expected);
      }
    }
    assertThat(wrong).as("EC2 against the specs").isEmpty();
  }

  private static List<String> expectedRules(int i, int version, Map<String, String> ids) {
    List<String> rules = new ArrayList<>();
    rules.add(Rule.DEFAULT_EGRESS.key().withDescription("").display());
    rules.add("ingress tcp port 443 from 10." + i + ".0.0/16");
    if (i % 3 == 1) {
      rules.add("ingress tcp port 443 from " + ids.get(name(i - 1)));
    }
    if (version == 2) {
      rules.add("ingress tcp port 22 from 10." + i + ".0.0/16");
    }
    return rules.stream().sorted().collect(Collectors.toList());
  }
}
