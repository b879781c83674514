import type { Config } from '../config/index.ts';
import type { ConnectorDefinition } from './types.ts';

/** A connector chosen to run, with the settings its definition read from the config. */
export interface SelectedConnector {
  definition: ConnectorDefinition;
  settings: unknown;
}

/**
 * The connectors `cxpulse start` runs: CXPULSE_CONNECTORS (a comma list of names, or `none`;
 * unset: all) among those whose `configure` returns settings. Throws, naming the variable, for an
 * unknown name or a listed connector that is not configured.
 */
export function selectConnectors(cfg: Config, definitions: readonly ConnectorDefinition[]): SelectedConnector[] {
  const names = definitions.map((d) => d.name);
  const list = cfg.CXPULSE_CONNECTORS?.trim();
  const listed = !list ? undefined : list === 'none' ? [] : list.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = (listed ?? []).filter((n) => !names.includes(n));
  if (unknown.length > 0) {
    throw new Error(`invalid CXPULSE_CONNECTORS: unknown connector(s) ${unknown.join(', ')}; expected ${names.join(', ')} or none`);
  }
  const selected: SelectedConnector[] = [];
  for (const definition of definitions) {
    if (listed && !listed.includes(definition.name)) continue;
    const settings = definition.configure(cfg);
    if (settings !== undefined) selected.push({ definition, settings });
    else if (listed) throw new Error(`invalid CXPULSE_CONNECTORS: '${definition.name}' is listed but not configured; it needs ${definition.enabledBy ?? 'its settings'}`);
  }
  return selected;
}
