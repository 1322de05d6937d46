package dev.portcullis.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
