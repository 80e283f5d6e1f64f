// Protocol constants, read at run time from the JSON Schema the server exports
// (`vr-server schema` writes protocol.schema.json next to this file), never copied by hand.

export async function loadProtocol(url = new URL('protocol.schema.json', import.meta.url)) {
  const response = await fetch(url, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`protocol schema: HTTP ${response.status}`);
  const schema = await response.json();
  const defs = schema.$defs;
  const mapping = (def) => new Set(Object.keys(def?.discriminator?.mapping ?? {}));
  const telemetry = defs.Telemetry.properties;
  return {
    version: schema['x-protocol-version'],
    headsetFrames: mapping(schema.properties.headset_to_server),
    serverFrames: mapping(schema.properties.server_to_headset),
    eventKinds: mapping(defs.Event.properties.event),
    commands: new Set(defs.Command.properties.command.enum),
    interactionActions: new Set(defs.Interaction.properties.action.enum),
    maxCached: defs.Hello.properties.cached.maxItems ?? 2000,
    maxFps: telemetry.fps.anyOf?.find((s) => s.type === 'number')?.maximum ?? 1000,
    /** Does the protocol let the visitor call staff (an event kind)? */
    get canCallStaff() { return this.eventKinds.has('call_staff'); },
    /** Can the headset call staff outside a session (a frame of its own)? */
    get canCallStaffFromLobby() { return this.headsetFrames.has('call_staff'); },
    /** Can the visitor rate the session (1 to 5) on the results screen? */
    get canRate() { return this.headsetFrames.has('rating'); },
  };
}
