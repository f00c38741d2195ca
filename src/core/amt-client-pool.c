/* amt-client-pool.c
 *
 * Profiles that share a region, an endpoint and a CA bundle share one client, and with it the
 * clock-skew correction it learned and its connection. The transport is given (a fake one in
 * unit tests); NULL means libcurl. Every client records the codes it sends in the pool's one
 * ledger, which the logins ask before they spend a code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "amt-client-pool"

#include "config.h"

#include "amt-client-pool.h"

struct _AmtClientPool
{
  GObject           parent_instance;

  AmtHttpTransport *transport;  /* NULL: libcurl */
  GStrv             envp;       /* NULL: the process's */
  AmtCodeLedger    *ledger;
  GHashTable       *clients;    /* "region\nendpoint\nca" → AmtAwsClient */
};

G_DEFINE_FINAL_TYPE (AmtClientPool, amt_client_pool, G_TYPE_OBJECT)

static void
amt_client_pool_finalize (GObject *object)
{
  AmtClientPool *self = (AmtClientPool *)object;

  g_clear_object (&self->transport);
  g_strfreev (self->envp);
  g_clear_object (&self->ledger);
  g_hash_table_unref (self->clients);

  G_OBJECT_CLASS (amt_client_pool_parent_class)->finalize (object);
}

static void
amt_client_pool_class_init (AmtClientPoolClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = amt_client_pool_finalize;
}

static void
amt_client_pool_init (AmtClientPool *self)
{
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
}

/**
 * amt_client_pool_new:
 * @transport: (nullable): %NULL for libcurl
 * @envp: (nullable): the environment the clients read; %NULL for the process's
 * @ledger: the codes sent, on the clock of whoever made it
 */
AmtClientPool *
amt_client_pool_new (AmtHttpTransport   *transport,
                     const char * const *envp,
                     AmtCodeLedger      *ledger)
{
  AmtClientPool *self;

  g_return_val_if_fail (AMT_IS_CODE_LEDGER (ledger), NULL);

  self = g_object_new (AMT_TYPE_CLIENT_POOL, NULL);
  self->ledger = g_object_ref (ledger);

  self->transport = transport != NULL ? g_object_ref (transport) : NULL;
  self->envp = g_strdupv ((GStrv) envp);
  return self;
}

/**
 * amt_client_pool_get_client:
 *
 * Returns: (transfer none): the client for @profile's region, endpoint and CA bundle
 */
AmtAwsClient *
amt_client_pool_get_client (AmtClientPool *self,
                            AmtProfile    *profile)
{
  const AmtProfileConfig *config;
  g_autofree char *key = NULL;
  AmtAwsClient *client;

  g_return_val_if_fail (AMT_IS_CLIENT_POOL (self), NULL);
  g_return_val_if_fail (AMT_IS_PROFILE (profile), NULL);

  config = amt_profile_get_config (profile);
  key = g_strdup_printf ("%s\n%s\n%s",
                         config->region ? config->region : "",
                         config->endpoint_url ? config->endpoint_url : "",
                         config->ca_bundle ? config->ca_bundle : "");
  client = g_hash_table_lookup (self->clients, key);
  if (client == NULL)
    {
      client = amt_aws_client_new_full (self->transport, config->region, config->endpoint_url,
                                        config->ca_bundle, (const char * const *) self->envp);
      amt_aws_client_set_code_ledger (client, self->ledger);
      g_hash_table_insert (self->clients, g_steal_pointer (&key), client);
    }

  return client;
}

/**
 * amt_client_pool_get_code_ledger:
 *
 * Returns: (transfer none): the codes the clients sent
 */
AmtCodeLedger *
amt_client_pool_get_code_ledger (AmtClientPool *self)
{
  g_return_val_if_fail (AMT_IS_CLIENT_POOL (self), NULL);

  return self->ledger;
}
