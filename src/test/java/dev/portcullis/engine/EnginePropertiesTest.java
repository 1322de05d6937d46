package dev.portcullis.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;

/** Invariants of canonicalisation and planning, checked on generated inputs. */
class EnginePropertiesTest {

  @Test
  void canonicalisationIsIdempotent() {
    qt().withExamples(2000)
        .forAll(Generators.specLists())
        .checkAssert(
            specs -> {
              List<Rule> once = Canonicalizer.canonicalize(specs).rules();
              List<RuleSpec> back = once.stream().map(r -> Canonicalizer.toSpec(r, "x")).toList();
              Canonicalizer.Result twice = Canonicalizer.canonicalize(back);
              assertThat(twice.rules()).isEqualTo(once);
              assertThat(twice.warnings()).as("canonical rules need no masking").isEmpty();
              assertThat(Canonicalizer.normalize(once)).isEqualTo(once);
            });
  }

  @Test
  void ruleOrderNeverChangesCanonicalRules() {
    qt().withExamples(1000)
        .forAll(Generators.specLists(), SourceDSL.longs().all())
        .checkAssert(
            (specs, seed) ->
                assertThat(Canonicalizer.canonicalize(Generators.shuffled(specs, seed)).rules())
                    .isEqualTo(Canonicalizer.canonicalize(specs).rules()));
  }

  @Test
  void applyingAPlanYieldsTheDesiredRules() {
    qt().withExamples(2000)
        .forAll(Generators.ruleLists(), Generators.ruleLists())
        .checkAssert(
            (desired, observed) -> {
              Plan plan = Planner.plan(desired, observed, Ownership.AUTHORITATIVE);
              assertThat(plan.applyTo(observed)).isEqualTo(Canonicalizer.normalize(desired));
              // and then there is nothing left to do
              assertThat(
                      Planner.plan(desired, plan.applyTo(observed), Ownership.AUTHORITATIVE)
                          .isEmpty())
                  .isTrue();
            });
  }

  @Test
  void additivePlansKeepEveryRuleTheyDoNotOwn() {
    qt().withExamples(1000)
        .forAll(Generators.ruleLists(), Generators.ruleLists(), Generators.ruleLists())
        .checkAssert(
            (desired, observed, applied) -> {
              Set<RuleKey> owned = applied.stream().map(Rule::key).collect(Collectors.toSet());
              Plan plan = Planner.plan(desired, observed, Ownership.additive(owned));
              Set<RuleKey> after =
                  plan.applyTo(observed).stream().map(Rule::key).collect(Collectors.toSet());
              for (Rule o : observed) {
                if (!owned.contains(o.key())) {
                  assertThat(after).contains(o.key());
                }
              }
              for (Rule d : desired) {
                assertThat(after).contains(d.key());
              }
              for (Rule r : plan.revoke()) {
                assertThat(owned).contains(r.key());
              }
            });
  }

  @Test
  void generatedGroupsAreMostlyValidAndNonEmpty() {
    int[] counts = new int[2];
    qt().withExamples(500)
        .forAll(Generators.specLists())
        .checkAssert(
            specs -> {
              Canonicalizer.Result r = Canonicalizer.canonicalize(specs);
              assertThat(r.ok()).as("generated specs are valid: %s", r.errors()).isTrue();
              counts[0]++;
              if (!r.rules().isEmpty()) {
                counts[1]++;
              }
            });
    // guards against a generator drift that would make the other properties vacuous
    assertThat(counts[1]).isGreaterThan(counts[0] * 3 / 4);
  }

  @Test
  void ec2sSpellingsNeverChangeAPlan() {
    qt().withExamples(1000)
        .forAll(Generators.ruleLists(), Generators.ruleLists())
        .checkAssert(
            (desired, observed) -> {
              List<Rule> asEc2 = observed.stream().map(Generators::ec2Spelling).toList();
              assertThat(Planner.plan(desired, asEc2, Ownership.AUTHORITATIVE))
                  .isEqualTo(Planner.plan(desired, observed, Ownership.AUTHORITATIVE));
              assertThat(Planner.plan(observed, asEc2, Ownership.AUTHORITATIVE).isEmpty()).isTrue();
            });
  }

  @Test
  void ruleOrderNeverChangesAPlan() {
    qt().withExamples(1000)
        .forAll(Generators.ruleLists(), Generators.ruleLists(), SourceDSL.longs().all())
        .checkAssert(
            (desired, observed, seed) ->
                assertThat(
                        Planner.plan(
                            Generators.shuffled(desired, seed),
                            Generators.shuffled(observed, seed + 1),
                            Ownership.AUTHORITATIVE))
                    .isEqualTo(Planner.plan(desired, observed, Ownership.AUTHORITATIVE)));
  }

  @Test
  void atTheQuotaRevokesGoFirstAndNoStepExceedsIt() {
    Quotas small = new Quotas(4, 5);
    qt().withExamples(1000)
        .forAll(
            Generators.ruleLists().map(rs -> fit(rs, small)),
            Generators.ruleLists().map(rs -> fit(rs, small)))
        .checkAssert(
            (desired, observed) -> {
              Plan plan = Planner.plan(desired, observed, Ownership.AUTHORITATIVE, small, Map.of());
              Map<RuleKey, Rule> state = new HashMap<>();
              observed.forEach(r -> state.put(r.key(), r));
              for (Plan.Step step : plan.steps()) {
                for (Rule r : step.rules()) {
                  if (step.action() == Plan.Action.REVOKE) {
                    state.remove(r.key());
                  } else {
                    state.put(r.key(), r);
                  }
                }
                assertThat(within(state.values(), small))
                    .as("after %s: %s", step, state.keySet())
                    .isTrue();
              }
              assertThat(Canonicalizer.normalize(state.values()))
                  .isEqualTo(Canonicalizer.normalize(desired));
            });
  }

  /** The longest prefix of the rules that stays within the quota. */
  private static List<Rule> fit(List<Rule> rules, Quotas q) {
    List<Rule> out = new ArrayList<>();
    for (Rule r : rules) {
      out.add(r);
      if (!within(out, q)) {
        out.remove(out.size() - 1);
      }
    }
    return out;
  }

  private static boolean within(Collection<Rule> rules, Quotas q) {
    for (Direction d : Direction.values()) {
      if (RuleCounts.count(rules, d).exceeds(q.rulesPerDirection())) {
        return false;
      }
    }
    return true;
  }

  @Test
  void noStepOfAPlanRemovesARuleThatIsWantedAndPresent() {
    qt().withExamples(1000)
        .forAll(Generators.ruleLists(), Generators.ruleLists())
        .checkAssert(
            (desired, observed) -> {
              Plan plan = Planner.plan(desired, observed, Ownership.AUTHORITATIVE);
              Set<RuleKey> state = new HashSet<>();
              observed.forEach(r -> state.add(r.key()));
              Set<RuleKey> keep = new HashSet<>(state);
              keep.retainAll(desired.stream().map(Rule::key).toList());
              boolean revoking = false;
              for (Plan.Step step : plan.steps()) {
                if (step.action() == Plan.Action.REVOKE) {
                  if (!revoking) {
                    // every wanted rule exists before the first revoke
                    assertThat(state).containsAll(desired.stream().map(Rule::key).toList());
                  }
                  revoking = true;
                  step.rules().forEach(r -> state.remove(r.key()));
                } else {
                  assertThat(revoking).as("no authorize after a revoke").isFalse();
                  step.rules().forEach(r -> state.add(r.key()));
                }
                assertThat(state).containsAll(keep);
              }
              assertThat(new ArrayList<>(state))
                  .containsExactlyInAnyOrderElementsOf(desired.stream().map(Rule::key).toList());
            });
  }
}
