/**
 * The cloud port: the EC2 operations Portcullis needs, as one interface with two implementations,
 * the built-in simulator ({@code cloud.simulator}) and AWS (AWS SDK for Java v2). Rules cross it in
 * the engine's canonical form; errors cross it as {@link dev.portcullis.cloud.CloudException} with
 * EC2's error code and a classification that says whether a retry can help.
 */
package dev.portcullis.cloud;
