import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../../api/client.js';
import { useAuth } from '../../auth/AuthContext.js';
import { LanguageSwitch } from '../../layout/LanguageSwitch.js';

interface LoginForm {
  email: string;
  password: string;
}

/** Email + password sign-in; one generic message for wrong credentials. */
export function LoginPage() {
  const { t, i18n } = useTranslation();
  const { me, login } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const from = (location.state as { from?: string } | null)?.from ?? '/';

  if (me) return <Navigate to={from === '/login' ? '/' : from} replace />;

  async function onFinish(values: LoginForm) {
    setBusy(true);
    setError(null);
    try {
      await login(values.email.trim(), values.password);
      navigate(from === '/login' ? '/' : from, { replace: true });
    } catch (err) {
      const zh = i18n.language !== 'en';
      if (err instanceof ApiError && err.code === 'rate_limited') setError(zh ? err.message : t('login.rateLimited'));
      else if (err instanceof ApiError && err.code === 'auth.disabled') setError(t('login.disabled'));
      else if (err instanceof ApiError && (err.code === 'network' || err.status >= 500)) setError(zh ? err.message : t('common.networkError'));
      else setError(t('login.failed'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div style={{ minHeight: '100%', display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', padding: 16, background: 'linear-gradient(160deg, #e8f1ff 0%, #f5f6f8 60%)' }}>
      <div style={{ position: 'absolute', top: 16, right: 16 }}>
        <LanguageSwitch />
      </div>
      <Card style={{ width: '100%', maxWidth: 400, boxShadow: '0 8px 24px rgba(22,119,255,0.08)' }} variant="borderless">
        <div style={{ textAlign: 'center', marginBottom: 24 }}>
          <div style={{ width: 48, height: 48, borderRadius: 12, background: '#1677ff', color: '#fff', fontSize: 24, lineHeight: '48px', margin: '0 auto 12px' }}>客</div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('login.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('login.subtitle')}</Typography.Text>
        </div>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form<LoginForm> layout="vertical" onFinish={(v) => void onFinish(v)} requiredMark={false} disabled={busy} autoComplete="on">
          <Form.Item
            label={t('login.email')}
            name="email"
            rules={[
              { required: true, message: t('login.emailRequired') },
              { type: 'email', message: t('login.emailInvalid') },
            ]}
          >
            <Input prefix={<MailOutlined />} placeholder={t('login.emailPlaceholder')} autoComplete="username" autoFocus size="large" />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} placeholder={t('login.passwordPlaceholder')} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={busy}>
            {busy ? t('login.submitting') : t('login.submit')}
          </Button>
        </Form>
      </Card>
      <Typography.Text type="secondary" style={{ marginTop: 24, fontSize: 12 }}>
        Kefu · {t('app.name')}
      </Typography.Text>
    </div>
  );
}
