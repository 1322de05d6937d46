package dev.portcullis.engine.eval;

import dev.portcullis.engine.Protocol;

/** A port something listens on, on an instance. */
public record Listener(Protocol protocol, int port) {}
