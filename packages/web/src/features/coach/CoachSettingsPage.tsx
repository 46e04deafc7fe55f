import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { COACH_FLAG_IDS, type CoachRulesOverride, type ConcessionKind, type ConcessionLadder, CONCESSION_KINDS, defaultCoachRules, validateCoachRulesOverride } from '@kefu/core';
import { Alert, App, Button, Card, Checkbox, Input, InputNumber, Select, Space, Spin, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';
import { errorMessage } from '../../api/client.js';
import { useAuth, useMe } from '../../auth/AuthContext.js';
import { type CoachSettings, coachApi } from './api.js';
import './i18n.js';
import { invalidateCoachSettings } from './useCoach.js';

const PHRASE_LISTS = ['cold', 'absolute', 'adLaw', 'platformForbidden', 'offPlatform'] as const;
const WORD_LISTS = ['warmMarkers', 'softeners', 'reasonMarkers'] as const;
type ListKey = (typeof PHRASE_LISTS)[number] | (typeof WORD_LISTS)[number];

/** Settings › 回复教练 / 议价阶梯: blocking flags, per-shop word lists, the bargaining ladder, review targets. */
export function CoachSettingsPage() {
  const { t } = useTranslation();
  const me = useMe();
  const { shop } = useAuth();
  const { message } = App.useApp();
  const location = useLocation();
  const canEdit = me.agent.role !== 'agent';
  const [s, setS] = useState<CoachSettings | null>(null);
  const [json, setJson] = useState('');
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState(location.pathname.endsWith('/ladder') ? 'ladder' : 'blocking');
  useEffect(() => setTab(location.pathname.endsWith('/ladder') ? 'ladder' : 'blocking'), [location.pathname]);

  useEffect(() => {
    if (!shop) return;
    setS(null);
    coachApi.settings(shop.id).then(
      (x) => {
        setS(x);
        setJson(JSON.stringify(x.rulesOverride, null, 2));
      },
      (err: unknown) => void message.error(errorMessage(err)),
    );
  }, [shop, message]);

  const defaults = useMemo(() => defaultCoachRules(s?.platform ?? shop?.platform ?? 'web'), [s?.platform, shop?.platform]);
  const jsonErrors = useMemo(() => {
    try {
      return validateCoachRulesOverride(JSON.parse(json || '{}'));
    } catch (e) {
      return [e instanceof Error ? e.message : 'JSON'];
    }
  }, [json]);

  if (!shop) return <Card variant="borderless"><Typography.Text type="secondary">{t('header.noShop')}</Typography.Text></Card>;
  if (!s) return <Spin />;

  const override = s.rulesOverride;
  const setOverride = (o: CoachRulesOverride) => {
    setS({ ...s, rulesOverride: o });
    setJson(JSON.stringify(o, null, 2));
  };
  const setLadder = (l: ConcessionLadder) => setS({ ...s, ladder: l });
  const addOf = (k: ListKey): string[] => {
    const v = (override.add as Record<string, unknown> | undefined)?.[k];
    return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : (x as { phrase: string }).phrase)) : [];
  };
  const setAdd = (k: ListKey, phrases: string[]) => {
    const prev = ((override.add as Record<string, unknown> | undefined)?.[k] ?? []) as Array<string | { phrase: string }>;
    const keep = (p: string) => prev.find((x) => (typeof x === 'string' ? x : x.phrase) === p);
    const list = (PHRASE_LISTS as readonly string[]).includes(k) ? phrases.map((p) => keep(p) ?? { phrase: p }) : phrases;
    setOverride({ ...override, add: { ...override.add, [k]: list } });
  };
  const setRemove = (k: ListKey, phrases: string[]) => setOverride({ ...override, remove: { ...override.remove, [k]: phrases } });
  const defaultPhrases = (k: ListKey): string[] => {
    const v = defaults[k] as Array<string | { phrase: string }>;
    return v.map((x) => (typeof x === 'string' ? x : x.phrase));
  };

  async function save() {
    if (!shop || !s) return;
    let rulesOverride: CoachRulesOverride;
    try {
      rulesOverride = JSON.parse(json || '{}') as CoachRulesOverride;
    } catch {
      return void message.error(t('coach.settings.invalid', { error: 'JSON' }));
    }
    if (jsonErrors.length) return void message.error(t('coach.settings.invalid', { error: jsonErrors[0] }));
    setBusy(true);
    try {
      const saved = await coachApi.save(shop.id, { rulesOverride, blocking: s.blocking, ladder: s.ladder, targets: s.targets });
      invalidateCoachSettings(shop.id);
      setS(saved);
      setJson(JSON.stringify(saved.rulesOverride, null, 2));
      void message.success(t('common.saved'));
    } catch (err) {
      void message.error(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  const flagIds = [...COACH_FLAG_IDS, 'concession_jump'];
  const disabled = new Set(override.disable ?? []);
  const blockingTab = (
    <div>
      <Typography.Paragraph type="secondary">{t('coach.settings.blockingHint')}</Typography.Paragraph>
      <Table
        size="small"
        pagination={false}
        rowKey="id"
        dataSource={flagIds.map((id) => ({ id }))}
        columns={[
          { title: '', dataIndex: 'id', render: (id: string) => <strong>{t(`coach.flags.${id}`)}</strong> },
          {
            title: t('coach.blocking'),
            width: 140,
            render: (_: unknown, r: { id: string }) =>
              s.alwaysBlocking.includes(r.id) ? (
                <Tag color="red">{t('coach.settings.always')}</Tag>
              ) : (
                <Checkbox
                  data-testid={`block-${r.id}`}
                  disabled={!canEdit}
                  checked={s.blocking.includes(r.id)}
                  onChange={(e) => setS({ ...s, blocking: e.target.checked ? [...s.blocking, r.id] : s.blocking.filter((x) => x !== r.id) })}
                />
              ),
          },
          {
            title: t('coach.settings.disable'),
            width: 100,
            render: (_: unknown, r: { id: string }) =>
              (COACH_FLAG_IDS as readonly string[]).includes(r.id) && !s.alwaysBlocking.includes(r.id) ? (
                <Switch
                  size="small"
                  disabled={!canEdit}
                  checked={disabled.has(r.id as (typeof COACH_FLAG_IDS)[number])}
                  onChange={(on) =>
                    setOverride({ ...override, disable: on ? [...(override.disable ?? []), r.id as (typeof COACH_FLAG_IDS)[number]] : (override.disable ?? []).filter((x) => x !== r.id) })
                  }
                />
              ) : null,
          },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        <span>{t('coach.settings.ratio')}</span>
        <InputNumber
          min={0}
          max={10}
          step={0.1}
          disabled={!canEdit}
          value={override.tooShortRatio ?? 1}
          onChange={(v) => setOverride({ ...override, tooShortRatio: v ?? 1 })}
        />
        <Typography.Text type="secondary">{t('coach.settings.ratioHint')}</Typography.Text>
      </Space>
    </div>
  );

  const wordsTab = (
    <Table
      size="small"
      pagination={false}
      rowKey="k"
      dataSource={[...PHRASE_LISTS, ...WORD_LISTS].map((k) => ({ k }))}
      columns={[
        { title: '', dataIndex: 'k', width: 130, render: (k: ListKey) => <strong>{t(`coach.settings.lists.${k}`)}</strong> },
        {
          title: t('coach.settings.add'),
          render: (_: unknown, r: { k: ListKey }) => (
            <Select mode="tags" disabled={!canEdit} style={{ width: '100%' }} value={addOf(r.k)} onChange={(v: string[]) => setAdd(r.k, v.map((x) => x.trim()).filter(Boolean))} data-testid={`add-${r.k}`} />
          ),
        },
        {
          title: t('coach.settings.remove'),
          render: (_: unknown, r: { k: ListKey }) => (
            <Select
              mode="multiple"
              disabled={!canEdit}
              style={{ width: '100%' }}
              value={(override.remove?.[r.k] as string[] | undefined) ?? []}
              onChange={(v: string[]) => setRemove(r.k, v)}
              options={[...new Set(defaultPhrases(r.k))].map((p) => ({ value: p, label: p }))}
              maxTagCount="responsive"
            />
          ),
        },
      ]}
    />
  );

  const steps = s.ladder.steps;
  const move = (i: number, d: number) => {
    const next = [...steps];
    const [x] = next.splice(i, 1);
    next.splice(i + d, 0, x!);
    setLadder({ ...s.ladder, steps: next });
  };
  const unused = CONCESSION_KINDS.filter((k) => !steps.some((x) => x.kind === k));
  const ladderTab = (
    <div data-testid="ladder-settings">
      <Typography.Paragraph type="secondary">{t('coach.settings.ladderHint')}</Typography.Paragraph>
      {steps.map((st, i) => (
        <Space key={st.kind} style={{ display: 'flex', marginBottom: 8 }}>
          <Tag color="gold" style={{ width: 28, textAlign: 'center' }}>
            {i + 1}
          </Tag>
          <Select<ConcessionKind>
            style={{ width: 120 }}
            disabled={!canEdit}
            value={st.kind}
            onChange={(kind) => setLadder({ ...s.ladder, steps: steps.map((x, j) => (j === i ? { ...x, kind } : x)) })}
            options={CONCESSION_KINDS.filter((k) => k === st.kind || unused.includes(k)).map((k) => ({ value: k, label: t(`coach.settings.kinds.${k}`) }))}
          />
          <Input
            style={{ width: 260 }}
            disabled={!canEdit}
            placeholder={t('coach.settings.label')}
            value={st.label}
            onChange={(e) => setLadder({ ...s.ladder, steps: steps.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) })}
          />
          {(st.kind === 'coupon' || st.kind === 'price_off') && (
            <InputNumber
              min={0}
              disabled={!canEdit}
              placeholder={t('coach.settings.amount')}
              value={st.amount}
              addonAfter="元"
              onChange={(v) => setLadder({ ...s.ladder, steps: steps.map((x, j) => (j === i ? { ...x, ...(v === null ? {} : { amount: v }) } : x)) })}
            />
          )}
          <Button size="small" icon={<ArrowUpOutlined />} disabled={!canEdit || i === 0} onClick={() => move(i, -1)} />
          <Button size="small" icon={<ArrowDownOutlined />} disabled={!canEdit || i === steps.length - 1} onClick={() => move(i, 1)} />
          <Button size="small" danger icon={<DeleteOutlined />} disabled={!canEdit} onClick={() => setLadder({ ...s.ladder, steps: steps.filter((_, j) => j !== i) })} />
        </Space>
      ))}
      {unused.length > 0 && canEdit && (
        <Button
          icon={<PlusOutlined />}
          onClick={() => setLadder({ ...s.ladder, steps: [...steps, { kind: unused[0]!, label: t(`coach.settings.kinds.${unused[0]!}`) }] })}
          style={{ marginBottom: 12 }}
        >
          {t('coach.settings.addStep')}
        </Button>
      )}
      <div>
        <Space>
          <span>{t('coach.settings.maxPriceOff')}</span>
          <InputNumber min={0} disabled={!canEdit} value={s.ladder.maxPriceOff} onChange={(v) => setLadder({ ...s.ladder, maxPriceOff: v ?? 0 })} />
        </Space>
      </div>
    </div>
  );

  const targetsTab = (
    <Space direction="vertical">
      <Typography.Text type="secondary">{t('coach.settings.targetsHint')}</Typography.Text>
      <Space>
        <span style={{ width: 180, display: 'inline-block' }}>{t('coach.settings.firstResponse')}</span>
        <InputNumber min={1} max={3600} disabled={!canEdit} value={s.targets.firstResponseSec} onChange={(v) => setS({ ...s, targets: { ...s.targets, firstResponseSec: v ?? 30 } })} />
      </Space>
      <Space>
        <span style={{ width: 180, display: 'inline-block' }}>{t('coach.settings.response')}</span>
        <InputNumber min={1} max={3600} disabled={!canEdit} value={s.targets.responseSec} onChange={(v) => setS({ ...s, targets: { ...s.targets, responseSec: v ?? 60 } })} />
      </Space>
    </Space>
  );

  const jsonTab = (
    <div>
      <Typography.Paragraph type="secondary">{t('coach.settings.jsonHint')}</Typography.Paragraph>
      <Input.TextArea
        rows={14}
        disabled={!canEdit}
        value={json}
        onChange={(e) => {
          setJson(e.target.value);
          try {
            const o = JSON.parse(e.target.value) as CoachRulesOverride;
            if (validateCoachRulesOverride(o).length === 0) setS({ ...s, rulesOverride: o });
          } catch {
            // keep typing
          }
        }}
        style={{ fontFamily: 'monospace', fontSize: 12 }}
      />
      {jsonErrors.length > 0 && <Alert type="error" showIcon style={{ marginTop: 8 }} title={t('coach.settings.invalid', { error: jsonErrors.join('; ') })} />}
    </div>
  );

  return (
    <Card
      variant="borderless"
      title={`${tab === 'ladder' ? t('coach.settings.ladderTitle') : t('coach.settings.title')} · ${shop.name}`}
      extra={
        canEdit && (
          <Button type="primary" loading={busy} onClick={() => void save()} data-testid="coach-settings-save">
            {t('common.save')}
          </Button>
        )
      }
      style={{ maxWidth: 1000 }}
    >
      {!canEdit && <Alert type="info" showIcon title={t('settings.readOnly')} style={{ marginBottom: 12 }} />}
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          { key: 'blocking', label: t('coach.settings.tabs.blocking'), children: blockingTab },
          { key: 'words', label: t('coach.settings.tabs.words'), children: wordsTab },
          { key: 'ladder', label: t('coach.settings.tabs.ladder'), children: ladderTab },
          { key: 'targets', label: t('coach.settings.tabs.targets'), children: targetsTab },
          { key: 'json', label: t('coach.settings.tabs.json'), children: jsonTab },
        ]}
      />
    </Card>
  );
}
