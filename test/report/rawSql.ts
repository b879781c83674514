/**
 * The report aggregations over the raw table through `scored_events_latest` (FINAL), as
 * engine/report/rawSql.ts builds them for a database without rollups. test/grafana/rollups.test.ts
 * runs them next to engine/report/sql.ts (which reads the minute rollup) and expects the same rows.
 */
import { assertIdentifier } from '../../engine/sinks/clickhouse/config.ts';
import * as raw from '../../engine/report/rawSql.ts';
import type { Dimension } from '../../engine/report/sql.ts';

const view = (db: string): string => `${assertIdentifier(db)}.scored_events_latest`;

export const segmentTotalsSql = (db: string, d: Dimension, from: number, to: number): string => raw.segmentTotalsSql(view(db), d, from, to);
export const hourlySql = (db: string, from: number, to: number): string => raw.hourlySql(view(db), from, to);
export const moversSql = (db: string, from: number, to: number): string => raw.moversSql(view(db), from, to);
export const weeklySegmentsSql = (db: string, d: Dimension, to: number, weeks: number): string => raw.weeklySegmentsSql(view(db), d, to, weeks);
export const dailySeriesSql = (db: string, to: number, days: number): string => raw.dailySeriesSql(view(db), to, days);
