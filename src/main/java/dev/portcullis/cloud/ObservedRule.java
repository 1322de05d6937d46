package dev.portcullis.cloud;

import dev.portcullis.engine.Rule;

/** A rule as EC2 holds it: its {@code sgr-} id and its canonical form. */
public record ObservedRule(String ruleId, Rule rule) {}
