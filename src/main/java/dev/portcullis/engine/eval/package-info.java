/**
 * Flow evaluation: given an {@link dev.portcullis.engine.eval.Estate} (groups, instances and their
 * interfaces), is a connection allowed, and why. EC2 semantics: rules only allow; inbound is denied
 * unless a rule allows it; connections are stateful; an interface's groups are a union; a group
 * reference matches by membership, never by IP; groups never match across VPCs or regions.
 */
package dev.portcullis.engine.eval;
